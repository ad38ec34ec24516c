"""Realistic synthetic journeys of any size, for benchmarks (not used at run time).

``generate(steps, seed)`` writes a journey with menus 2-6 wide, bounded
retries, inputs, self-service, queues and agents in several teams with warm
and cold transfers, plus a few loops and dead ends, in a fixed order for a
given seed. Run ``python -m tests.benchmarks.generate 10000 > big.yaml``.
"""

from __future__ import annotations

import random
import sys


def generate(steps: int, seed: int = 7) -> str:
    """YAML text of a journey with about ``steps`` steps."""
    rnd = random.Random(seed)
    team_count = min(20, max(2, steps // 400))
    teams = [f"team{i}" for i in range(team_count)]
    lines = [
        f"journey: generated-{steps}",
        f"title: Generated journey of {steps} steps",
        "entry: greeting",
        "teams:",
        "  ivr: {kind: automated}",
    ]
    for i, team in enumerate(teams):
        lines.append(f"  {team}: {{name: Team {i}, tools: [tool{i % 3}], targets: [t{i % 4}]}}")
    lines.append("nodes:")
    lines.append("  greeting: {type: message, team: ivr, say: Welcome to the line., next: s0}")
    lines.append("  done: {type: end, outcome: resolved}")
    lines.append("  bye: {type: end, outcome: disconnected}")
    queues: list[str] = []
    made = 3
    open_slots = ["s0"]
    counter = 1

    def new_id() -> str:
        nonlocal counter
        counter += 1
        return f"s{counter - 1}"

    while open_slots:
        sid = open_slots.pop(0)
        room = steps - made - len(open_slots)
        roll = rnd.random()
        if room <= 1:
            lines.append(f"  {sid}: {{type: message, say: Thanks., next: done}}")
            made += 1
            continue
        if roll < 0.25:
            width = rnd.randint(2, 6)
            kids = [new_id() for _ in range(min(width, max(1, room - 1)))]
            options = ", ".join(f'"{k + 1}": {kid}' for k, kid in enumerate(kids))
            fail = rnd.choice(queues) if queues else "bye"
            lines.append(
                f"  {sid}: {{type: menu, team: ivr, say: Please choose one of the options., "
                f"options: {{{options}}}, no_input: {sid}, no_match: {sid}, max_retries: 3, "
                f"on_fail: {fail}}}"
            )
            open_slots.extend(kids)
        elif roll < 0.40:
            kid = new_id()
            lines.append(
                f"  {sid}: {{type: input, team: ivr, say: Please enter your number., "
                f"collects: [item{rnd.randint(0, 9)}], next: {kid}, no_input: {sid}, "
                f"max_retries: 2, on_fail: bye}}"
            )
            open_slots.append(kid)
        elif roll < 0.55:
            kid = new_id()
            error = rnd.choice(queues) if queues and rnd.random() < 0.7 else "bye"
            lines.append(
                f"  {sid}: {{type: self_service, team: ivr, say: One moment., next: {kid}, "
                f"on_error: {error}}}"
            )
            open_slots.append(kid)
        elif roll < 0.72:
            team = rnd.choice(teams)
            agent = new_id()
            queues.append(sid)
            lines.append(
                f"  {sid}: {{type: queue, team: {team}, wait_estimate: {rnd.random() < 0.5}, "
                f"callback: {rnd.random() < 0.5}, next: {agent}}}".replace("True", "true").replace(
                    "False", "false"
                )
            )
            transfers = ""
            if len(queues) > 1 and rnd.random() < 0.5:
                context = rnd.choice(["warm", "cold"])
                transfers = f", transfers: [{{to: {rnd.choice(queues)}, context: {context}}}]"
            lines.append(
                f"  {agent}: {{type: agent, team: {team}, collects: [item{rnd.randint(0, 9)}], "
                f"next: done{transfers}}}"
            )
            made += 1
        elif roll < 0.78:
            kids = [new_id(), new_id()] if room > 2 else [new_id()]
            branches = ", ".join(f"b{k}: {kid}" for k, kid in enumerate(kids))
            lines.append(f"  {sid}: {{type: condition, team: ivr, branches: {{{branches}}}}}")
            open_slots.extend(kids)
        elif roll < 0.80 and counter > 10:
            back = f"s{rnd.randint(0, counter - 2)}"
            lines.append(f"  {sid}: {{type: message, say: Let us try again., next: {back}}}")
        elif roll < 0.81:
            lines.append(f"  {sid}: {{type: message, say: Please hold.}}")
        else:
            lines.append(f"  {sid}: {{type: message, say: Thank you, next: done}}")
        made += 1
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
