#include "prophesee_header.h"

#include <algorithm>
#include <cstdio>

namespace workloads {

static std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s;
}

std::string apply_prophesee_header(const std::vector<std::string>& lines, EventInfo& info) {
  std::string format;
  unsigned w = 0, h = 0;
  for (const auto& raw : lines) {
    const std::string l = lower(raw);
    if (l.rfind("% evt ", 0) == 0) format = "evt" + l.substr(6, 1);
    if (l.rfind("% format ", 0) == 0) {
      if (l.find("evt2") != std::string::npos) format = "evt2";
      if (l.find("evt3") != std::string::npos) format = "evt3";
      auto hp = l.find("height="), wp = l.find("width=");
      if (hp != std::string::npos && wp != std::string::npos) {
        std::sscanf(l.c_str() + hp + 7, "%u", &h);
        std::sscanf(l.c_str() + wp + 6, "%u", &w);
      }
    }
    if (l.rfind("% geometry ", 0) == 0) std::sscanf(l.c_str() + 11, "%ux%u", &w, &h);
    if (l.rfind("% width ", 0) == 0) std::sscanf(l.c_str() + 8, "%u", &w);
    if (l.rfind("% height ", 0) == 0) std::sscanf(l.c_str() + 9, "%u", &h);
    if (l.rfind("% plugin_name ", 0) == 0) {
      info.sensor = raw.substr(14);
      if (w == 0 && l.find("gen3") != std::string::npos) w = 640, h = 480;
      if (w == 0 && (l.find("gen4") != std::string::npos || l.find("imx636") != std::string::npos))
        w = 1280, h = 720;
    }
  }
  if (w && h) info.width = w, info.height = h;
  return format;
}

}  // namespace workloads
