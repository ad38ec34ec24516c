"""Dialogflow CX agents (the exported JSON package, or its ``.zip``/``.blob``) -> journey data.

One agent is one journey; each flow's start and each page is a step named
``flow.page`` whose ``source`` is ``Flow/Page`` (``Flow/Start`` for a flow's start).
Every route the platform can take is kept:

==========================================  ==============================================
Dialogflow CX                               journey
==========================================  ==============================================
a page's form (``form.parameters``)         an ``input`` collecting the parameters, its
                                            reprompt handlers as ``no_match``/``no_input``
a page's (and its flow's) intent routes,    a ``menu``: each intent an option (labelled by
route groups included                       its name and a training phrase)
condition routes                            a ``condition`` before the menu, one branch
                                            each, ``otherwise`` on to the menu
``sys.no-match-default``/``-no-input-``     ``no_match``/``no_input``; a handler with no
                                            target re-asks on the same page
numbered ``sys.no-match-1`` .. ``-6``       ``max_retries``; the last one's target ``on_fail``
``webhook.error`` and other error events    the error route of the webhook call
a fulfillment's webhook                     a ``self_service`` step (the call), ``on_error``
                                            the page's or flow's ``webhook.error`` handler
``liveAgentHandoff``                        a ``queue`` and ``agent`` (a person)
``telephonyTransferCall``                   an outside ``agent`` (a transfer to a number)
``END_SESSION``                             an ``end``, judged by what leads to it
``END_FLOW`` (a called flow),               ``external``: back where the flow was called
``PREVIOUS_PAGE``                           from
``CURRENT_PAGE`` / ``START_PAGE`` / a flow  that page, the flow's start, the flow's start
==========================================  ==============================================

Flow-level routes and event handlers apply on every page of the flow, as in
Dialogflow. Messages (``text``, ``outputAudioText``) give the prompt of the page
(the first alternative: only one is said). The agent is a voice agent when a message
has audio (``outputAudioText``, ``playAudio``) or a telephony transfer, else chat.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .connect import journey_id
from .outcomes import JUDGE, judge_ends

DYNAMIC = "(dynamic prompt)"
SPECIAL = {"END_SESSION", "END_FLOW", "PREVIOUS_PAGE", "CURRENT_PAGE", "START_PAGE"}
HOLD_ELSEWHERE = {
    rule: "the wait for a live agent is set in the contact centre the bot hands over to"
    for rule in ("queue-no-wait-estimate", "queue-no-callback")
}
MAX_FILES = 5000
MAX_BYTES = 64 * 1024 * 1024


@dataclass
class Package:
    """The files of one exported agent: path inside the package -> text."""

    root: str
    files: dict[str, str] = field(default_factory=dict)

    def json(self, name: str) -> Any:
        text = self.files.get(name)
        return json.loads(text) if text is not None else None


def agent_root(path: Path) -> Path | None:
    """The folder holding ``agent.json`` and ``flows/`` for an agent folder (``path``
    itself or its ``agent/``), or None."""
    for folder in (path, path / "agent"):
        if (folder / "agent.json").is_file() and (folder / "flows").is_dir():
            return folder
    return None


def is_agent_archive(path: Path) -> bool:
    """Whether ``path`` is a ``.zip``/``.blob`` export of a Dialogflow CX agent."""
    if path.suffix.lower() not in (".zip", ".blob") or not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    return any(n.endswith("agent.json") for n in names) and any("flows/" in n for n in names)


def read_package(path: Path) -> Package:
    """Every JSON file of an agent folder or archive (bounded in count and size)."""
    found = Package(str(path))
    total = 0
    if path.is_dir():
        root = agent_root(path)
        if root is None:
            raise ValueError("no agent.json and flows/ folder here")
        found.root = str(root)
        files = sorted(p for p in root.rglob("*.json") if p.is_file())
        if len(files) > MAX_FILES:
            raise ValueError(f"more than {MAX_FILES} files in the agent")
        for file in files:
            total += file.stat().st_size
            if total > MAX_BYTES:
                raise ValueError("the agent is over 64 MiB of JSON")
            found.files[file.relative_to(root).as_posix()] = file.read_text(encoding="utf-8")
        return found
    with zipfile.ZipFile(path) as archive:
        members = [m for m in archive.infolist() if m.filename.endswith(".json")]
        if len(members) > MAX_FILES:
            raise ValueError(f"more than {MAX_FILES} files in the archive")
        agent = next((m.filename for m in members if m.filename.endswith("agent.json")), "")
        prefix = agent[: -len("agent.json")]
        for member in members:
            if "__MACOSX" in member.filename or not member.filename.startswith(prefix):
                continue
            total += member.file_size
            if total > MAX_BYTES:
                raise ValueError("the archive unpacks to over 64 MiB of JSON")
            with archive.open(member) as handle:
                text = handle.read(MAX_BYTES + 1).decode("utf-8")
            found.files[member.filename[len(prefix) :]] = text
    return found


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_") or "page"


def _messages(fulfillment: Any) -> list[dict[str, Any]]:
    if not isinstance(fulfillment, dict):
        return []
    found = [m for m in fulfillment.get("messages") or [] if isinstance(m, dict)]
    for case in fulfillment.get("conditionalCases") or []:
        for branch in (case.get("cases") or []) if isinstance(case, dict) else []:
            for content in branch.get("caseContent") or []:
                if isinstance(content, dict) and isinstance(content.get("message"), dict):
                    found.append(content["message"])
    return found


def _say(fulfillment: Any) -> str | None:
    for message in _messages(fulfillment):
        text = message.get("text")
        texts = text.get("text") if isinstance(text, dict) else None
        if isinstance(texts, list) and texts and isinstance(texts[0], str):
            return DYNAMIC if "$" in texts[0] else texts[0].strip() or None
        audio = message.get("outputAudioText")
        if isinstance(audio, dict):
            spoken = audio.get("text") or audio.get("ssml")
            if isinstance(spoken, str) and spoken.strip():
                return re.sub(r"<[^>]+>", "", spoken).strip() or DYNAMIC
    return None


def _voice(message: dict[str, Any]) -> bool:
    return any(k in message for k in ("outputAudioText", "playAudio", "telephonyTransferCall"))


def _handoff(fulfillment: Any) -> str | None:
    """``person`` for a live-agent handoff, ``transfer`` for a telephony transfer."""
    for message in _messages(fulfillment):
        if "liveAgentHandoff" in message:
            return "person"
        if "telephonyTransferCall" in message:
            return "transfer"
        payload = json.dumps(message.get("payload") or {})
        if "telephonyTransferCall" in payload or "transfer_call" in payload.lower():
            return "transfer"
    return None


class _Agent:
    def __init__(self, package: Package, name: str) -> None:
        self.package = package
        self.agent = package.json("agent.json") or {}
        self.name = str(self.agent.get("displayName") or name)
        self.nodes: dict[str, Any] = {}
        self.teams: dict[str, Any] = {"bot": {"name": f"{self.name} (bot)", "kind": "automated"}}
        self.flows: dict[str, dict[str, Any]] = {}
        self.pages: dict[str, dict[str, dict[str, Any]]] = {}
        self.groups: dict[str, dict[str, Any]] = {}
        self.intents: dict[str, str] = {}
        self.voice = False
        for path in sorted(package.files):
            parts = path.split("/")
            if parts[0] == "flows" and len(parts) == 3 and parts[2] == f"{parts[1]}.json":
                flow = package.json(path)
                if isinstance(flow, dict):
                    self.flows[str(flow.get("displayName") or parts[1])] = flow
                    self.pages.setdefault(str(flow.get("displayName") or parts[1]), {})
        for path in sorted(package.files):
            parts = path.split("/")
            data = package.json(path) if path.endswith(".json") else None
            if not isinstance(data, dict):
                continue
            if parts[0] == "flows" and len(parts) == 4 and parts[2] == "pages":
                flow_name = next(
                    (n for n, f in self.flows.items() if _folder(f, n) == parts[1]), parts[1]
                )
                self.pages.setdefault(flow_name, {})[str(data.get("displayName"))] = data
            elif "transitionRouteGroups" in parts and len(parts) >= 2:
                self.groups[str(data.get("displayName") or data.get("name"))] = data
                if data.get("name"):
                    self.groups[str(data["name"])] = data
            elif parts[0] == "intents" and len(parts) == 3 and parts[2] == f"{parts[1]}.json":
                self.intents[str(data.get("displayName") or parts[1])] = parts[1]
        if not self.flows:
            raise ValueError("the agent has no flows")

    def phrase(self, intent: str) -> str:
        """An intent's name and one training phrase, for the option's label."""
        folder = self.intents.get(intent, intent)
        for path in sorted(self.package.files):
            if path.startswith(f"intents/{folder}/trainingPhrases/"):
                data = self.package.json(path)
                phrases = data.get("trainingPhrases") if isinstance(data, dict) else None
                if isinstance(phrases, list) and phrases:
                    parts = phrases[0].get("parts") if isinstance(phrases[0], dict) else None
                    if isinstance(parts, list):
                        text = "".join(str(p.get("text", "")) for p in parts if isinstance(p, dict))
                        if text.strip():
                            return f'{intent} ("{text.strip()[:40]}")'
        return intent

    def step_id(self, flow: str, page: str) -> str:
        return f"{_slug(flow)}.{_slug(page)}"


_MADE = re.compile(r"(end|leaves|returns|webhook|handoff|live_agent|transfer)_\d+")


def _prune(nodes: dict[str, Any], entry: str) -> None:
    """Drop the steps made for a route that ended up unused (a target worked out for a
    handler that is not a route here), so they are not reported as unreachable."""
    while True:
        used = {entry}
        for step in nodes.values():
            for key in ("next", "on_error", "on_timeout", "no_input", "no_match", "on_fail"):
                if isinstance(step.get(key), str):
                    used.add(step[key])
            for group in ("options", "branches"):
                used.update(v for v in (step.get(group) or {}).values() if isinstance(v, str))
        unused = [n for n in nodes if n not in used and _MADE.fullmatch(n)]
        if not unused:
            return
        for name in unused:
            del nodes[name]


def _targets(data: Any) -> list[dict[str, Any]]:
    """Every route or handler inside ``data`` that names a target page or flow."""
    found: list[dict[str, Any]] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "targetPage" in item or "targetFlow" in item:
                found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _folder(flow: dict[str, Any], name: str) -> str:
    return name


def convert_package(package: Package, name: str) -> dict[str, Any]:
    """Journey data for an exported agent."""
    agent = _Agent(package, name)
    start_flow = str(agent.agent.get("startFlow") or "Default Start Flow")
    if start_flow not in agent.flows:
        start_flow = sorted(agent.flows)[0]
    nodes = agent.nodes
    counter = [0]

    def new_id(base: str) -> str:
        counter[0] += 1
        sid = f"{base}_{counter[0]}"
        return sid

    def end(source: str) -> str:
        sid = new_id("end")
        nodes[sid] = {"type": "end", "source": source, JUDGE: True}
        return sid

    def external(source: str, what: str) -> str:
        sid = new_id("leaves")
        nodes[sid] = {"type": "external", "source": source, "target": what}
        return sid

    def target_of(flow: str, page: str, item: dict[str, Any], here: str) -> str | None:
        """Where a route or handler leads (None: stays where it is)."""
        source = f"{flow}/{page}"
        target_flow = item.get("targetFlow")
        target_page = item.get("targetPage")
        if isinstance(target_flow, str) and target_flow:
            if target_flow in agent.flows:
                return agent.step_id(target_flow, "Start")
            return external(source, f"flow {target_flow}")
        if isinstance(target_page, str) and target_page:
            named = target_page.upper().replace(" ", "_")  # exports write "End Flow"
            special = named in SPECIAL or named.startswith("END_FLOW")
            if special and target_page not in agent.pages.get(flow, {}):
                target_page = named
            if target_page == "END_SESSION" or (
                target_page.startswith("END_FLOW") and flow == start_flow
            ):
                return end(source)
            if target_page.startswith("END_FLOW"):  # back to the page that called the flow
                return back(source, f"back to the flow that called {flow}", callers[flow])
            if target_page == "PREVIOUS_PAGE":
                return back(source, "the previous page", previous[(flow, page)])
            if target_page == "CURRENT_PAGE":
                return here
            if target_page == "START_PAGE":
                return agent.step_id(flow, "Start")
            if target_page in agent.pages.get(flow, {}):
                return agent.step_id(flow, target_page)
            return external(source, f"page {target_page} (not in the export)")
        return None

    def back(source: str, what: str, pages: list[str]) -> str:
        """A return to wherever the customer came from: one branch per page it can be."""
        if not pages:
            return end(source)
        sid = new_id("returns")
        nodes[sid] = {
            "type": "condition",
            "team": "bot",
            "source": source,
            "say": f"({what})",
            "branches": {f"to {p}": p for p in pages},
        }
        return sid

    def through(flow: str, page: str, item: dict[str, Any], goes: str | None, here: str) -> str:
        """The step a route's fulfillment passes (a person, a webhook) on its way."""
        fulfillment = item.get("triggerFulfillment")
        for message in _messages(fulfillment):
            agent.voice = agent.voice or _voice(message)
        source = f"{flow}/{page}"
        destination = goes if goes is not None else here
        handoff = _handoff(fulfillment)
        if handoff == "person":
            agent.teams.setdefault("live_agents", {"name": "Live agents"})
            queue, person = new_id("handoff"), new_id("live_agent")
            nodes[queue] = {"type": "queue", "team": "live_agents", "source": source,
                            "next": person, "ignore": dict(HOLD_ELSEWHERE)}  # fmt: skip
            nodes[person] = {"type": "agent", "team": "live_agents", "source": source,
                             "next": end(source)}  # fmt: skip
            return queue
        if handoff == "transfer":
            agent.teams.setdefault("transfer", {"name": "Transfer target", "kind": "vendor"})
            person = new_id("transfer")
            nodes[person] = {"type": "agent", "team": "transfer", "source": source,
                             "next": end(source)}  # fmt: skip
            return person
        if isinstance(fulfillment, dict) and fulfillment.get("webhook"):
            call = new_id("webhook")
            step: dict[str, Any] = {"type": "self_service", "team": "bot", "source": source,
                                    "say": f"(calls the webhook {fulfillment.get('webhook')})",
                                    "next": destination}  # fmt: skip
            handler = errors.get((flow, page))
            if handler is not None:
                error = target_of(flow, page, handler, here)
                step["on_error"] = error if error is not None else here
            nodes[call] = step
            return call
        return destination

    # webhook.error and other error events, per page (the page's, else the flow's)
    errors: dict[tuple[str, str], dict[str, Any]] = {}
    plan: list[tuple[str, str, dict[str, Any]]] = []
    for flow, flow_data in agent.flows.items():
        plan.append((flow, "Start", flow_data))
        for page, page_data in sorted(agent.pages.get(flow, {}).items()):
            plan.append((flow, page, page_data))
    # who calls each flow, and where each page can be reached from (for END_FLOW and
    # PREVIOUS_PAGE, which go back to wherever the customer came from)
    reported_at: dict[str, str] = {}  # where a flow's own re-asking is reported
    callers: dict[str, list[str]] = {f: [] for f in agent.flows}
    previous: dict[tuple[str, str], list[str]] = {(f, p): [] for f, p, _ in plan}
    for flow, page, data in plan:
        sid = agent.step_id(flow, page)
        for item in _targets(data):
            target_flow, target_page = item.get("targetFlow"), item.get("targetPage")
            if isinstance(target_flow, str) and target_flow in callers:
                if sid not in callers[target_flow]:
                    callers[target_flow].append(sid)
            elif (
                isinstance(target_page, str)
                and (flow, target_page) in previous
                and sid not in previous[(flow, target_page)]
            ):
                previous[(flow, target_page)].append(sid)
    for flow, page, data in plan:
        sid = agent.step_id(flow, page)
        flow_data = agent.flows[flow]
        handlers = [*(data.get("eventHandlers") or []), *(flow_data.get("eventHandlers") or [])]
        for handler in handlers:
            if isinstance(handler, dict) and "error" in str(handler.get("event", "")):
                errors[(flow, page)] = handler
                break
    for flow, page, data in plan:
        sid = agent.step_id(flow, page)
        flow_data = agent.flows[flow]
        source = f"{flow}/{page}"
        routes = list(data.get("transitionRoutes") or [])
        for group in data.get("transitionRouteGroups") or []:
            found = agent.groups.get(str(group)) or agent.groups.get(str(group).split("/")[-1])
            if isinstance(found, dict):
                routes += list(found.get("transitionRoutes") or [])
        own_intents = any(isinstance(r, dict) and r.get("intent") for r in routes)
        if page != "Start":  # the flow's intent routes apply while a page waits for input
            flow_routes = [
                r for r in flow_data.get("transitionRoutes") or [] if isinstance(r, dict)
            ]
            for group in flow_data.get("transitionRouteGroups") or []:
                found = agent.groups.get(str(group)) or agent.groups.get(str(group).split("/")[-1])
                if isinstance(found, dict):
                    flow_routes += list(found.get("transitionRoutes") or [])
            routes += [r for r in flow_routes if r.get("intent")]
        handlers = [h for h in data.get("eventHandlers") or [] if isinstance(h, dict)]
        own_events = {str(h.get("event", "")) for h in handlers}
        inherited = False
        if page != "Start":
            for handler in flow_data.get("eventHandlers") or []:
                if isinstance(handler, dict) and str(handler.get("event", "")) not in own_events:
                    handlers.append(handler)
                    inherited = inherited or "no-" in str(handler.get("event", ""))
        say = _say(data.get("entryFulfillment")) if page != "Start" else None
        for message in _messages(data.get("entryFulfillment")):
            agent.voice = agent.voice or _voice(message)
        menu: dict[str, Any] = {
            "type": "menu",
            "team": "bot",
            "source": source,
            "options": {},
            "tags": ["open-question"],
        }
        if say:
            menu["say"] = say
        conditions: dict[str, Any] = {}
        for route in routes:
            if not isinstance(route, dict):
                continue
            goes = target_of(flow, page, route, sid)
            step = through(flow, page, route, goes, sid)
            if route.get("intent"):
                label = agent.phrase(str(route["intent"]))
                menu["options"].setdefault(label, step)
            elif route.get("condition"):
                label = str(route["condition"])[:60]
                conditions.setdefault(label, step)
        form = (data.get("form") or {}).get("parameters") if page != "Start" else None
        # a page waits for the customer when it offers intents or has handlers of its
        # own; a router of conditions moves on at once (flow handlers do not apply)
        waits = (
            own_intents
            or bool(isinstance(form, list) and form)
            or (
                page != "Start"  # a flow's own handlers are its pages' while they wait
                and bool({"sys.no-match-default", "sys.no-input-default"} & own_events)
            )
            or not conditions
        )
        # re-asking stays on this turn (after the page's condition checks, if any)
        here = f"{sid}.turn" if conditions and waits else sid
        numbered: list[tuple[int, str, dict[str, Any]]] = []
        for handler in handlers:
            event = str(handler.get("event", ""))
            if not waits or not (
                event.startswith("sys.no-match") or event.startswith("sys.no-input")
            ):
                continue
            goes = target_of(flow, page, handler, here)
            step = through(flow, page, handler, goes, here)
            match = re.fullmatch(r"sys\.no-(match|input)-(\d)", event)
            if match:
                numbered.append((int(match.group(2)), match.group(1), handler))
                if goes is not None:
                    menu.setdefault("on_fail", step)
            elif event == "sys.no-match-default":
                menu.setdefault("no_match", step)
            elif event == "sys.no-input-default":
                menu.setdefault("no_input", step)
        if numbered:
            menu["max_retries"] = max(n for n, _, _ in numbered)
            for kind in ("match", "input"):
                menu.setdefault(f"no_{kind}", here)
        if not waits:
            for key in ("no_match", "no_input", "on_fail", "max_retries"):
                menu.pop(key, None)
        elif (
            inherited
            and not {"sys.no-match-default", "sys.no-input-default"} & own_events
            and not (conditions and isinstance(form, list) and form and not own_intents)
        ):
            if flow in reported_at:  # the flow's own handler: one finding for the flow
                menu["ignore"] = {
                    "unbounded-retry": "re-asked by the flow's own no-match/no-input "
                    f"handler, reported once at `{reported_at[flow]}`"
                }
            else:
                reported_at[flow] = sid
        if page == "Start" and waits and ("no_match" in menu or "no_input" in menu):
            reported_at.setdefault(flow, sid)
        if not waits and not conditions:
            menu = {"type": "message", "team": "bot", "source": source}
            if say:
                menu["say"] = say
        elif not menu["options"] and waits:
            menu["options"] = {}
        if conditions:
            checks: dict[str, Any] = {
                "type": "condition", "team": "bot", "source": source,
                "branches": dict(conditions),
            }  # fmt: skip
            after_form = bool(isinstance(form, list) and form) and not own_intents
            if menu["type"] == "menu" and waits and not after_form:
                menu_id = f"{sid}.turn"
                nodes[menu_id] = menu
                checks["branches"]["otherwise"] = menu_id
            if say:
                checks["say"] = say
            first: dict[str, Any] = checks
        else:
            first = menu
        if isinstance(form, list) and form:
            collect: dict[str, Any] = {
                "type": "input", "team": "bot", "source": source,
                "collects": [str(p.get("displayName")) for p in form if isinstance(p, dict)],
            }  # fmt: skip
            prompt = next(
                (_say((p.get("fillBehavior") or {}).get("initialPromptFulfillment"))
                 for p in form if isinstance(p, dict)), None,
            )  # fmt: skip
            if say or prompt:
                collect["say"] = say or prompt
            reprompt = False
            for parameter in form:
                fill = parameter.get("fillBehavior") if isinstance(parameter, dict) else None
                for handler in (fill or {}).get("repromptEventHandlers") or []:
                    if not isinstance(handler, dict):
                        continue
                    event = str(handler.get("event", ""))
                    goes = target_of(flow, page, handler, sid)
                    step = through(flow, page, handler, goes, sid)
                    if "no-input" in event:
                        collect.setdefault("no_input", step)
                    else:
                        collect.setdefault("no_match", step)
                    reprompt = True
                    match = re.fullmatch(r"sys\.no-(match|input)-(\d)", event)
                    if match:
                        collect["max_retries"] = max(
                            collect.get("max_retries", 0), int(match.group(2))
                        )
                        if goes is not None:
                            collect.setdefault("on_fail", step)
            if not reprompt:  # Dialogflow's own reprompt: the same question again
                collect["no_match"] = sid
            rest = f"{sid}.filled"
            nodes[rest] = first
            collect["next"] = rest
            nodes[sid] = collect
        else:
            nodes[sid] = first
        entry = data.get("entryFulfillment") if page != "Start" else None
        handoff = _handoff(entry)
        hook = entry.get("webhook") if isinstance(entry, dict) else None
        if handoff is not None or hook:  # what the page does on entry comes first
            rest = f"{sid}.entered"
            nodes[rest] = nodes.pop(sid)
            if handoff == "person":
                agent.teams.setdefault("live_agents", {"name": "Live agents"})
                person = new_id("live_agent")
                nodes[sid] = {"type": "queue", "team": "live_agents", "source": source,
                              "next": person, "ignore": dict(HOLD_ELSEWHERE)}  # fmt: skip
                nodes[person] = {"type": "agent", "team": "live_agents", "source": source,
                                 "next": rest}  # fmt: skip
            elif handoff == "transfer":
                agent.teams.setdefault("transfer", {"name": "Transfer target", "kind": "vendor"})
                nodes[sid] = {"type": "agent", "team": "transfer", "source": source,
                              "next": rest}  # fmt: skip
            else:
                call: dict[str, Any] = {
                    "type": "self_service", "team": "bot", "source": source,
                    "say": say or f"(calls the webhook {hook})", "next": rest,
                }  # fmt: skip
                handler = errors.get((flow, page))
                if handler is not None:
                    error = target_of(flow, page, handler, rest)
                    call["on_error"] = error if error is not None else rest
                nodes[sid] = call
    # a page that says something and has no way on at all stays a dead end (true)
    for step in nodes.values():
        for key in ("options", "branches"):
            if key in step and not step[key]:
                del step[key]
        if step.get("type") == "menu" and "options" not in step:
            step["options"] = {}
    entry = agent.step_id(start_flow, "Start")
    _prune(nodes, entry)
    return judge_ends(
        {
            "journey": journey_id(name),
            "title": agent.name,
            "description": "Imported from a Dialogflow CX agent by journeymap.",
            "channel": "phone" if agent.voice else "chat",
            "entry": entry,
            "teams": agent.teams,
            "nodes": nodes,
        }
    )


def block_files(package: Package) -> dict[str, tuple[str, int, int]]:
    """Where each ``Flow/Page`` stands: its file in the package, line and column of its
    ``displayName``."""
    found: dict[str, tuple[str, int, int]] = {}
    for path, text in package.files.items():
        parts = path.split("/")
        if parts[0] != "flows" or not path.endswith(".json"):
            continue
        match = re.search(r'"displayName"\s*:\s*"((?:[^"\\]|\\.)*)"', text)
        if match is None:
            continue
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        where = (f"{package.root}/{path}", line, column)
        if len(parts) == 3:
            found[f"{json.loads(chr(34) + match.group(1) + chr(34))}/Start"] = where
        elif len(parts) == 4 and parts[2] == "pages":
            flow = parts[1]
            found[f"{flow}/{json.loads(chr(34) + match.group(1) + chr(34))}"] = where
    return found
