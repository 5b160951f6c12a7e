"""The planners' insight pages (/inzicht/...): figures about reports, never a report or a person.

heatmap.py   /inzicht/kaart/: reports per square of a grid as a heat layer or a choropleth, with its table
"""
