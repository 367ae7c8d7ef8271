#!/usr/bin/env bash
# Screenshot of a timeline VCD in GTKWave, headless: tools/trace/screenshot.sh F.vcd OUT.png
# [WIDTHxHEIGHT]. Needs the Debian packages gtkwave, xvfb and imagemagick.
set -euo pipefail
vcd=$1 out=$2 size=${3:-1600x900}
w=${size%x*} h=${size#*x}
here=$(cd "$(dirname "$0")" && pwd)
xvfb-run -a -s "-screen 0 ${size}x24" bash -c '
  gtkwave --rcvar "initial_window_x $3" --rcvar "initial_window_y $4" \
    --rcvar "initial_window_xpos 0" --rcvar "initial_window_ypos 0" --rcvar "splash_disable 1" \
    --rcvar "hide_sst 1" --rcvar "hier_max_level 2" --script="$0/gtkwave_view.tcl" "$1" >/dev/null 2>&1 &
  pid=$!
  sleep 6
  import -window root "$2"
  kill $pid' "$here" "$vcd" "$out" "$w" "$h"
