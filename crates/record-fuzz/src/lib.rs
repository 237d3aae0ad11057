//! Fuzz targets: placeholder.
