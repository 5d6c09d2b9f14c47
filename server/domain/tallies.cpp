// domain/tallies: being written (issue 5).
