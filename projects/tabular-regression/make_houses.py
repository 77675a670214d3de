#!/usr/bin/env python3
"""Writes houses.csv, the synthetic table of the tabular-regression sample.

Price (in thousands) grows with the floor area and the rooms, falls with the
age, depends on the district and on a garden, plus noise; a few cells are
empty to exercise the missing-value policy. Run it again to get the same file.
"""
import random

rng = random.Random(20261129)
districts = {"centre": 120.0, "north": 40.0, "south": 15.0, "east": 0.0, "west": 25.0}
rows = ["area_m2,rooms,age_years,district,garden,price_k"]
for i in range(600):
    area = rng.uniform(30, 220)
    rooms = max(1, round(area / 28 + rng.gauss(0, 0.8)))
    age = rng.uniform(0, 90)
    district = rng.choice(list(districts))
    garden = rng.random() < 0.4
    price = 1.9 * area + 11.0 * rooms - 0.7 * age + districts[district] + (18.0 if garden else 0.0) + rng.gauss(0, 12)
    cells = [f"{area:.1f}", str(rooms), f"{age:.0f}", district, "yes" if garden else "no", f"{price:.1f}"]
    if rng.random() < 0.03:
        cells[2] = ""  # an unknown age: filled with the training mean
    rows.append(",".join(cells))
with open("houses.csv", "w") as out:
    out.write("\n".join(rows) + "\n")
