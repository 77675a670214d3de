#!/usr/bin/env python3
"""Writes data/instructions.jsonl, the small instruction set the sft stage fine-tunes on, and
data/preferences.jsonl, the preference pairs the reward stage learns from.

Short conversations in TRL's "messages" layout, built from templates over common English words (all of which the
fortunes corpus, and so the pretrained tokenizer, knows). Seeded: running it again writes the same file.
Usage: python3 make_instructions.py
"""
import json
import random

random.seed(7)
THINGS = ["cat", "dog", "house", "tree", "river", "book", "friend", "garden", "road", "city", "ship", "song",
          "window", "door", "letter", "king", "teacher", "computer", "dream", "mountain"]
COLOURS = ["red", "blue", "green", "yellow", "white", "black"]
OPPOSITES = [("hot", "cold"), ("up", "down"), ("day", "night"), ("old", "young"), ("good", "bad"), ("fast", "slow"),
             ("love", "hate"), ("rich", "poor"), ("happy", "sad"), ("open", "closed"), ("early", "late"), ("true", "false")]
ADVICE = ["Be patient.", "Trust your friends.", "Work hard and rest well.", "Listen more than you speak.",
          "Never give up.", "Think before you act."]


def dialogue(user, assistant, system=None):
    messages = [{"role": "system", "content": system}] if system else []
    return {"messages": messages + [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]}


rows = []
for i in range(720):
    kind = i % 6
    thing = random.choice(THINGS)
    if kind == 0:
        rows.append(dialogue(f"Say {thing} twice.", f"{thing} {thing}."))
    elif kind == 1:
        colour = random.choice(COLOURS)
        rows.append(dialogue(f"The {thing} is {colour}. What colour is the {thing}?", f"The {thing} is {colour}."))
    elif kind == 2:
        word, opposite = random.choice(OPPOSITES)
        if random.random() < 0.5:
            word, opposite = opposite, word
        rows.append(dialogue(f"What is the opposite of {word}?", f"The opposite of {word} is {opposite}."))
    elif kind == 3:
        rows.append(dialogue(f"Tell me a fortune about a {thing}.", f"A {thing} will bring you good luck."))
    elif kind == 4:
        rows.append(dialogue("Give me some advice.", random.choice(ADVICE), system="You are a wise friend."))
    else:
        other = random.choice([t for t in THINGS if t != thing])
        rows.append(dialogue(f"Which comes first in the alphabet, {thing} or {other}?", f"{min(thing, other)} comes first."))

with open("data/instructions.jsonl", "w", encoding="utf-8") as out:
    for row in rows:
        out.write(json.dumps(row) + "\n")
print(f"{len(rows)} dialogues written to data/instructions.jsonl")

# Preference pairs with a hidden rule the reward model is not told: the preferred reply ends with a question
# back to the user. Both replies otherwise say the same thing, so nothing else separates them.
QUESTIONS = ["What do you think?", "Does that help?", "Shall I say more?", "Do you agree?", "Why do you ask?"]
pairs = []
for row in rows:
    prompt = [m for m in row["messages"] if m["role"] != "assistant"]
    answer = row["messages"][-1]["content"]
    asking = f"{answer} {random.choice(QUESTIONS)}"
    telling = f"{answer} {random.choice(ADVICE)}" if random.random() < 0.5 else answer
    pairs.append({"prompt": prompt, "chosen": [{"role": "assistant", "content": asking}],
                  "rejected": [{"role": "assistant", "content": telling}]})
with open("data/preferences.jsonl", "w", encoding="utf-8") as out:
    for pair in pairs:
        out.write(json.dumps(pair) + "\n")
print(f"{len(pairs)} preference pairs written to data/preferences.jsonl (rule: the reply that ends with a question)")
