"""Annual review letters: a manager writes the narrative; the letter reads as a page and a PDF."""
