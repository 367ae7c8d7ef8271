// NPY reading/writing/conversion and the tensor/label loaders built on it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "workloads/error.h"
#include "workloads/frames.h"
#include "workloads/npy.h"

namespace fs = std::filesystem;
using namespace workloads;

namespace {

fs::path temp_dir() {
  fs::path d = fs::temp_directory_path() / ("workloads_npy_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

// Writes a hand-made NPY v1.0 file with the given header dict text and raw data.
std::string write_raw_npy(const std::string& name, const std::string& dict,
                          const std::vector<uint8_t>& data) {
  std::string path = (temp_dir() / name).string();
  std::string h = dict;
  while ((10 + h.size() + 1) % 64) h += ' ';
  h += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  char len[2] = {static_cast<char>(h.size() & 0xff), static_cast<char>(h.size() >> 8)};
  out.write(len, 2);
  out.write(h.data(), static_cast<std::streamsize>(h.size()));
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  return path;
}

}  // namespace

TEST_CASE("workloads npy: float32 round trip keeps shape and values", "[workloads][npy]") {
  std::vector<float> v = {0.5f, -1.25f, 3.0f, 4.0f, 5.5f, 6.0f};
  std::string path = (temp_dir() / "f.npy").string();
  write_npy(path, std::span<const float>(v), {2, 3});
  NpyArray a = read_npy(path);
  CHECK(a.descr == "<f4");
  CHECK(a.shape == std::vector<size_t>{2, 3});
  CHECK_FALSE(a.fortran_order);
  CHECK(a.data_offset % 64 == 0);
  CHECK(to_float(a) == v);
}

TEST_CASE("workloads npy: uint8 and int64 round trips", "[workloads][npy]") {
  std::vector<uint8_t> u = {0, 1, 255};
  std::vector<int64_t> i = {-5, 0, int64_t{1} << 40};
  auto pu = (temp_dir() / "u.npy").string();
  auto pi = (temp_dir() / "i.npy").string();
  write_npy(pu, std::span<const uint8_t>(u), {3});
  write_npy(pi, std::span<const int64_t>(i), {3});
  CHECK(to_float(read_npy(pu)) == std::vector<float>{0, 1, 255});
  CHECK(to_int64(read_npy(pi)) == i);
  CHECK(read_npy(pu).descr == "|u1");
  CHECK_THROWS_AS(write_npy(pu, std::span<const uint8_t>(u), {4}), std::invalid_argument);
}

TEST_CASE("workloads npy: every scalar kind converts, both byte orders", "[workloads][npy]") {
  struct Case {
    const char* descr;
    std::vector<uint8_t> bytes;
    std::vector<float> expected;
  };
  std::vector<Case> cases = {
      {"|b1", {1, 0}, {1, 0}},
      {"?", {0, 1}, {0, 1}},
      {"|u1", {200, 7}, {200, 7}},
      {"|i1", {0xff, 7}, {-1, 7}},
      {"<u2", {0x34, 0x12}, {0x1234}},
      {">u2", {0x12, 0x34}, {0x1234}},
      {"<i2", {0xfe, 0xff}, {-2}},
      {">i2", {0xff, 0xfe}, {-2}},
      {"<i4", {0x00, 0x00, 0x01, 0x00}, {65536}},
      {">i4", {0xff, 0xff, 0xff, 0xfd}, {-3}},
      {"<u4", {0x01, 0x00, 0x00, 0x80}, {2147483649.0f}},
      {"<i8", {0xf6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, {-10}},
      {">i8", {0, 0, 0, 0, 0, 0, 0x01, 0x00}, {256}},
      {"<f4", {0x00, 0x00, 0xc0, 0x3f}, {1.5f}},
      {">f4", {0x3f, 0xc0, 0x00, 0x00}, {1.5f}},
      {"<f8", {0, 0, 0, 0, 0, 0, 0x04, 0xc0}, {-2.5f}},
      {">f8", {0xc0, 0x04, 0, 0, 0, 0, 0, 0}, {-2.5f}},
      {"<f2", {0x00, 0x3c}, {1.0f}},
  };
  for (const auto& c : cases) {
    INFO(c.descr);
    std::string dict = std::string("{'descr': '") + c.descr +
                       "', 'fortran_order': False, 'shape': (" + std::to_string(c.expected.size()) +
                       ",), }";
    NpyArray a = read_npy(write_raw_npy("k.npy", dict, c.bytes));
    CHECK(to_float(a) == c.expected);
  }
}

TEST_CASE("workloads npy: Fortran order is transposed to C order", "[workloads][npy]") {
  // 2x3 matrix [[1,2,3],[4,5,6]] stored column-major: 1 4 2 5 3 6.
  std::vector<uint8_t> data = {1, 4, 2, 5, 3, 6};
  NpyArray a = read_npy(
      write_raw_npy("fo.npy", "{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", data));
  CHECK(a.fortran_order);
  CHECK(to_float(a) == std::vector<float>{1, 2, 3, 4, 5, 6});
}

TEST_CASE("workloads npy: structured records read field by field", "[workloads][npy]") {
  // tonic's event dtype: x, y as int16, t as int64, p as bool, with a padding field.
  std::vector<uint8_t> data;
  auto put = [&](const void* p, size_t n) {
    data.insert(data.end(), static_cast<const uint8_t*>(p), static_cast<const uint8_t*>(p) + n);
  };
  for (int16_t k = 0; k < 3; ++k) {
    int16_t x = static_cast<int16_t>(10 + k), y = static_cast<int16_t>(20 + k);
    int64_t t = 1000 * k;
    uint8_t p = k % 2, pad[3] = {9, 9, 9};
    put(&x, 2), put(&y, 2), put(&t, 8), put(&p, 1), put(pad, 3);
  }
  NpyArray a = read_npy(write_raw_npy(
      "rec.npy",
      "{'descr': [('x', '<i2'), ('y', '<i2'), ('t', '<i8'), ('p', '?'), ('', '|V3')], "
      "'fortran_order': False, 'shape': (3,), }",
      data));
  REQUIRE(a.structured());
  CHECK(a.item_size == 16);
  CHECK(a.fields.size() == 4);
  CHECK(field_to_int64(a, "x") == std::vector<int64_t>{10, 11, 12});
  CHECK(field_to_int64(a, "t") == std::vector<int64_t>{0, 1000, 2000});
  CHECK(field_to_float(a, "p") == std::vector<float>{0, 1, 0});
  CHECK_THROWS_AS(field_to_int64(a, "q"), InputError);
  CHECK_THROWS_AS(to_float(a), InputError);
}

TEST_CASE("workloads npy: dict-form record dtype with offsets", "[workloads][npy]") {
  std::vector<uint8_t> data = {7, 0, 0, 0, 0x10, 0x00, 0, 0};  // u1 at 0, <u2 at 4, itemsize 8
  NpyArray a = read_npy(
      write_raw_npy("dict.npy",
                    "{'descr': {'names': ['a', 'b'], 'formats': ['|u1', '<u2'], 'offsets': [0, 4], "
                    "'itemsize': 8}, 'fortran_order': False, 'shape': (1,), }",
                    data));
  CHECK(a.item_size == 8);
  CHECK(field_to_int64(a, "a") == std::vector<int64_t>{7});
  CHECK(field_to_int64(a, "b") == std::vector<int64_t>{16});
}

TEST_CASE("workloads npy: record writer round trip", "[workloads][npy]") {
  std::vector<uint8_t> data = {1, 0, 2, 0, 3, 0, 4, 0};
  auto path = (temp_dir() / "w.npy").string();
  write_npy(path, "[('x', '<u2'), ('y', '<u2')]", {2}, data);
  NpyArray a = read_npy(path);
  CHECK(field_to_int64(a, "y") == std::vector<int64_t>{2, 4});
}

TEST_CASE("workloads npy: the expelliarmus decode reads as records", "[workloads][npy]") {
  fs::path p = fs::path(SPIKECHIP_SHARED_DATA) / "events/expelliarmus/dat_ncars_sample.npy";
  if (!fs::exists(p)) {
    WARN("shared data absent, skipping: " << p);
    return;
  }
  NpyArray a = read_npy(p.string());
  CHECK(a.shape == std::vector<size_t>{4407});
  CHECK(a.item_size == 13);
  auto t = field_to_int64(a, "t");
  CHECK(std::is_sorted(t.begin(), t.end()));
  auto pol = field_to_int64(a, "p");
  CHECK(std::all_of(pol.begin(), pol.end(), [](int64_t v) { return v == 0 || v == 1; }));
}

TEST_CASE("workloads npy: bad files give located errors", "[workloads][npy]") {
  auto bad_magic = (temp_dir() / "bad.npy").string();
  std::ofstream(bad_magic) << "NOTNUMPY";
  CHECK_THROWS_WITH(read_npy(bad_magic), Catch::Contains("byte 0") && Catch::Contains("magic"));

  auto truncated = write_raw_npy(
      "trunc.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", {0, 0, 0, 0});
  CHECK_THROWS_WITH(read_npy(truncated), Catch::Contains("truncated") && Catch::Contains("16"));

  auto bad_dict = write_raw_npy("dict_bad.npy", "{'descr': '<f4', 'fortran_order': Maybe}", {});
  CHECK_THROWS_WITH(read_npy(bad_dict), Catch::Contains("byte 4") && Catch::Contains("expected"));

  auto bad_type =
      write_raw_npy("type.npy", "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", {});
  CHECK_THROWS_WITH(read_npy(bad_type), Catch::Contains("<c8"));

  auto floats =
      write_raw_npy("labels_f.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
                    {0x00, 0x00, 0xc0, 0x3f});
  CHECK_THROWS_WITH(load_labels(floats), Catch::Contains("element 0"));
  CHECK_THROWS_AS(read_npy((temp_dir() / "missing.npy").string()), InputError);
}

TEST_CASE("workloads frames: [T, C, H, W] loads as one sample", "[workloads][frames]") {
  std::vector<float> v(3 * 2 * 2 * 2);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  auto path = (temp_dir() / "t.npy").string();
  write_npy(path, std::span<const float>(v), {3, 2, 2, 2});
  Frames f = load_tensor_input(path, {2, 2, 2});
  CHECK(f.samples == 1);
  CHECK(f.timesteps == 3);
  CHECK(f.frame_size() == 8);
  CHECK(f.frame(0, 2)[0] == 16.0f);
  CHECK(f.frame(0, 1)[7] == 15.0f);
  CHECK_THROWS_AS(f.frame(1, 0), std::out_of_range);
}

TEST_CASE("workloads frames: [N, T, C, H, W] and flattened frames", "[workloads][frames]") {
  std::vector<float> v(4 * 5 * 6);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  auto path = (temp_dir() / "nt.npy").string();
  write_npy(path, std::span<const float>(v), {4, 5, 2, 3});
  Frames f = load_tensor_input(path, {2, 3});
  CHECK(f.samples == 4);
  CHECK(f.timesteps == 5);
  CHECK(f.frame(3, 4)[5] == static_cast<float>(v.size() - 1));

  // [N, T, 6] for a {2, 3} model: reconciled by element count.
  write_npy(path, std::span<const float>(v), {4, 5, 6});
  Frames g = load_tensor_input(path, {2, 3});
  CHECK(g.samples == 4);
  CHECK(g.timesteps == 5);
  CHECK(g.frame_shape == std::vector<uint32_t>{2, 3});

  // [T, 6] for a {6} model.
  write_npy(path, std::span<const float>(v), {20, 6});
  Frames h = load_tensor_input(path, {6});
  CHECK(h.samples == 1);
  CHECK(h.timesteps == 20);
}

TEST_CASE("workloads frames: mismatched shape names both shapes", "[workloads][frames]") {
  std::vector<float> v(2 * 7);
  auto path = (temp_dir() / "bad.npy").string();
  write_npy(path, std::span<const float>(v), {2, 7});
  CHECK_THROWS_WITH(load_tensor_input(path, {2, 3}),
                    Catch::Contains("[2, 7]") && Catch::Contains("[2, 3]"));
}

TEST_CASE("workloads frames: labels load as integers", "[workloads][frames]") {
  std::vector<int64_t> l = {3, 1, 4, 1, 5};
  auto path = (temp_dir() / "labels.npy").string();
  write_npy(path, std::span<const int64_t>(l), {5});
  CHECK(load_labels(path) == l);
  std::vector<uint8_t> u = {9, 2};
  write_npy(path, std::span<const uint8_t>(u), {2});
  CHECK(load_labels(path) == std::vector<int64_t>{9, 2});
  write_npy(path, std::span<const uint8_t>(u), {1, 2});
  CHECK_THROWS_WITH(load_labels(path), Catch::Contains("[N]"));
}
