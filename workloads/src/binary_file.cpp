#include "binary_file.h"

#include <algorithm>
#include <cstring>

#include <fmt/core.h>

#include "workloads/error.h"

namespace workloads {

static constexpr size_t kBufferBytes = 1 << 20;

BinaryFile::BinaryFile(const std::string& path) : path_(path) {
  file_ = std::fopen(path.c_str(), "rb");
  if (!file_) throw InputError(fmt::format("{}: cannot open for reading", path));
  std::fseek(file_, 0, SEEK_END);
  long end = std::ftell(file_);
  std::fseek(file_, 0, SEEK_SET);
  size_ = end > 0 ? static_cast<uint64_t>(end) : 0;
  buf_.resize(static_cast<size_t>(std::clamp<uint64_t>(size_, 4096, kBufferBytes)));
}

BinaryFile::~BinaryFile() {
  if (file_) std::fclose(file_);
}

bool BinaryFile::refill() {
  if (pos_ < len_) return true;
  len_ = std::fread(buf_.data(), 1, buf_.size(), file_);
  pos_ = 0;
  return len_ > 0;
}

int BinaryFile::peek() {
  return refill() ? buf_[pos_] : -1;
}

size_t BinaryFile::read_some(void* dst, size_t n) {
  auto* out = static_cast<uint8_t*>(dst);
  size_t done = 0;
  while (done < n && refill()) {
    size_t k = std::min(n - done, len_ - pos_);
    std::memcpy(out + done, buf_.data() + pos_, k);
    pos_ += k;
    done += k;
  }
  offset_ += done;
  return done;
}

void BinaryFile::read_exact(void* dst, size_t n, const std::string& what) {
  const uint64_t at = offset_;
  if (read_some(dst, n) != n)
    fail(at, fmt::format("truncated: expected {} ({} bytes), the file ends at byte {}", what, n,
                         size_));
}

void BinaryFile::skip(uint64_t n, const std::string& what) {
  if (offset_ + n > size_)
    fail(offset_, fmt::format("truncated: expected {} ({} bytes), the file ends at byte {}", what,
                              n, size_));
  seek(offset_ + n);
}

void BinaryFile::seek(uint64_t offset) {
  std::fseek(file_, static_cast<long>(offset), SEEK_SET);
  offset_ = offset;
  pos_ = len_ = 0;
}

std::string BinaryFile::read_line() {
  std::string line;
  while (refill()) {
    const uint8_t* start = buf_.data() + pos_;
    const size_t avail = len_ - pos_;
    const auto* nl = static_cast<const uint8_t*>(std::memchr(start, '\n', avail));
    const size_t take = nl ? static_cast<size_t>(nl - start) : avail;
    line.append(reinterpret_cast<const char*>(start), take);
    const size_t consumed = take + (nl ? 1 : 0);
    pos_ += consumed;
    offset_ += consumed;
    if (nl) break;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

void BinaryFile::fail(uint64_t offset, const std::string& what) const {
  throw InputError(fmt::format("{}: byte {}: {}", path_, offset, what));
}

std::vector<std::string> read_header_lines(BinaryFile& f, char marker,
                                           const std::string& end_line) {
  std::vector<std::string> lines;
  while (f.peek() == marker) {
    lines.push_back(f.read_line());
    if (!end_line.empty() && lines.back() == end_line) break;
  }
  return lines;
}

}  // namespace workloads
