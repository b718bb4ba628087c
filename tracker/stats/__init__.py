"""Statistics for managers: every council's figures, one council's trend, publishing."""
