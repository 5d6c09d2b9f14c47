// transport/report_xlsx: being written (issue 5).
