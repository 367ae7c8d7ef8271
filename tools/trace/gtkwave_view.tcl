# GTKWave script for a spikechip timeline VCD (run --vcd): the chip's step, phase and barrier,
# then per core its controller and pipeline states (named through ctrl.txt / pipe.txt), its
# queue, the routers' busy ports and the spikes per layer, all in decimal.
# Used by tools/trace/screenshot.sh; also: gtkwave --script=tools/trace/gtkwave_view.tcl F.vcd
set here [file normalize [file dirname [info script]]]
set nfacs [gtkwave::getNumFacs]
set order {}
set cores {}
set rest {}
foreach top {sample step phase barrier} {
  for {set i 0} {$i < $nfacs} {incr i} {
    set name [gtkwave::getFacName $i]
    if {[string match "chip.$top*" $name]} { lappend order $name }
  }
}
for {set i 0} {$i < $nfacs} {incr i} {
  set name [gtkwave::getFacName $i]
  if {[string match "chip.core_*" $name]} { lappend cores $name
  } elseif {[string match "chip.router_*" $name] || [string match "chip.layers.*" $name]} {
    lappend rest $name
  }
}
set all [concat $order $cores $rest]
gtkwave::addSignalsFromList $all
gtkwave::highlightSignalsFromList $all
gtkwave::/Edit/Data_Format/Decimal
gtkwave::/Edit/UnHighlight_All
foreach kind {ctrl pipe} {
  set group {}
  foreach name $cores {
    if {[string match "*.$kind*" $name]} { lappend group $name }
  }
  if {[llength $group] == 0} continue
  gtkwave::highlightSignalsFromList $group
  set which [gtkwave::setCurrentTranslateFile [file join $here $kind.txt]]
  gtkwave::installFileFilter $which
  gtkwave::/Edit/UnHighlight_All
}
gtkwave::/Time/Zoom/Zoom_Full
