// storage/store_units: being written (issue 5).
