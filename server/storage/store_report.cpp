// storage/store_report: being written (issue 5).
