// Buffered sequential reading of a binary file with the byte offset kept for error messages.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace workloads {

class BinaryFile {
 public:
  explicit BinaryFile(const std::string& path);  // throws InputError when it cannot open
  ~BinaryFile();
  BinaryFile(const BinaryFile&) = delete;
  BinaryFile& operator=(const BinaryFile&) = delete;

  const std::string& path() const { return path_; }
  uint64_t offset() const { return offset_; }  // bytes consumed so far
  uint64_t size() const { return size_; }
  bool at_end() { return peek() < 0; }
  int peek();  // next byte or -1 at the end
  // Up to n bytes; fewer only at the end of the file.
  size_t read_some(void* dst, size_t n);
  // Exactly n bytes, or InputError "truncated: expected <what>" at the current offset.
  void read_exact(void* dst, size_t n, const std::string& what);
  void skip(uint64_t n, const std::string& what);
  void seek(uint64_t offset);
  // One text line without its "\n" or "\r\n" (header parsing).
  std::string read_line();
  [[noreturn]] void fail(uint64_t offset, const std::string& what) const;

 private:
  bool refill();
  std::string path_;
  std::FILE* file_ = nullptr;
  uint64_t size_ = 0, offset_ = 0;
  std::vector<uint8_t> buf_;
  size_t pos_ = 0, len_ = 0;
};

// Lines at the start of a file that begin with `marker` ('#' for AEDAT, '%' for Prophesee).
// Stops before the first line that does not, or after `end_line` (e.g. "% end") when given.
std::vector<std::string> read_header_lines(BinaryFile& f, char marker, const std::string& end_line);

}  // namespace workloads
