// The '%' text header shared by Prophesee RAW (EVT 2.0/3.0) and DAT files.
#pragma once
#include <string>
#include <vector>

#include "workloads/events.h"

namespace workloads {

// Sets info.width/height/sensor from "% geometry WxH", "% format EVT3;height=H;width=W",
// "% Width W"/"% Height H", or the camera generation in "% plugin_name" (gen3 640x480,
// gen4/gen41/imx636 1280x720). Returns the "evt 2.0" / "EVT3" style format tag found, or "".
std::string apply_prophesee_header(const std::vector<std::string>& lines, EventInfo& info);

}  // namespace workloads
