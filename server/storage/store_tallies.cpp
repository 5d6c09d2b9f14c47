// storage/store_tallies: being written (issue 5).
