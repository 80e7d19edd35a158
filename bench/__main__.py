"""`python -m bench`: the search benchmark (bench/search.py)."""

from bench.search import main

main()
