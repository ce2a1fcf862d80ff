//! GeoJSON and TopoJSON boundary files (ceiba-viz), read and prepared for drawing.
#![no_main]
use libfuzzer_sys::fuzz_target;

use ceiba_viz::map::{parse_boundaries, prepare, BoundaryOptions};

fuzz_target!(|data: &[u8]| {
    if let Ok(set) = parse_boundaries(data, &BoundaryOptions::default()) {
        std::hint::black_box(prepare(&set, 640, 480));
    }
});
