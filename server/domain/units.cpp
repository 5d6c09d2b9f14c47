// domain/units: being written (issue 5).
