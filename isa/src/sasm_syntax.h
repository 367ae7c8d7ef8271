// Pieces of the .sasm syntax shared by the assembler and the disassembler: tokens, numbers,
// quoting of names, directive and key spellings, nearest-name suggestions.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace isa::sasm {

struct Token {
  std::string text;  // unescaped when quoted
  size_t col = 1;    // 1-based column of the token's first character
  bool quoted = false;
};

// Splits one line (without its newline) into whitespace-separated tokens, dropping the comment
// (';' to end of line, outside quotes). A token starting with '"' runs to the closing quote
// (escapes \" \\ \n \t \xHH). Returns the column of an error and its message on failure.
struct LexError {
  size_t col;
  std::string message;
};
std::vector<Token> tokenize(std::string_view line, std::optional<LexError>& error);

// "0x1f", "31", "-5", "+5". Returns nullopt when the text is not a number or exceeds 64 bits.
std::optional<int64_t> parse_signed(std::string_view text);
std::optional<uint64_t> parse_unsigned(std::string_view text);

// The product of a shape's dimensions, saturated at 2^33 (so "more than fits 32 bits" is kept
// through later factors, and any zero factor still gives 0).
uint64_t shape_product(std::span<const uint32_t> dims);

// A name as a token: bare when it contains nothing the tokenizer would split or strip.
std::string quote_if_needed(std::string_view name);

// The candidate closest to `word` by edit distance (case-insensitive), or "" when none is
// close enough to be a useful suggestion.
std::string nearest(std::string_view word, std::span<const std::string_view> candidates);
// ", did you mean 'X'?" or "".
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

inline constexpr std::string_view kSemanticsNames[] = {"layer_sequential", "pipelined"};

}  // namespace isa::sasm
