"""Follow-up questions made standalone: by rule, or by a chat model (for the engines that have one)."""

from __future__ import annotations

import re

from assistant.terms import QUESTION_WORDS, STOP, names, words

_ROLES = {"user": "user", "human": "user", "assistant": "assistant", "ai": "assistant", "system": "system"}
_SUBJECT = re.compile(r"\b(he|she|they|him|them|it)\b", re.I)
_POSSESSIVE = re.compile(r"\b(his|her|their|its)\b", re.I)
_DEICTIC = re.compile(r"\b(this|that|these|those|there|then|the same)\b", re.I)
_STARTERS = (
    "and ",
    "what about",
    "how about",
    "and what",
    "but ",
    "also ",
    "why?",
    "when?",
    "where?",
    "how?",
)


def normalize_history(history) -> list[tuple[str, str]]:
    """(role, text) turns from dicts, (role, text) or (question, answer) pairs, or LangChain messages."""
    turns: list[tuple[str, str]] = []
    for item in history or ():
        if isinstance(item, dict):
            role, text = item.get("role", "user"), item.get("content") or item.get("text") or ""
            turns.append((_ROLES.get(str(role).lower(), "user"), str(text)))
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            first, second = item
            if str(first).lower() in _ROLES:
                turns.append((_ROLES[str(first).lower()], str(second)))
            else:
                turns.append(("user", str(first)))
                if second is not None:
                    turns.append(
                        (
                            "assistant",
                            getattr(second, "text", second) if not isinstance(second, str) else second,
                        )
                    )
        elif hasattr(item, "content") and hasattr(item, "type"):
            turns.append((_ROLES.get(str(item.type).lower(), "user"), str(item.content)))
        elif isinstance(item, str):
            turns.append(("user", item))
    return [(r, str(t)) for r, t in turns if r != "system" and str(t).strip()]


def _entities(text: str) -> list[str]:
    """Names in a text, longest first per surname, without question words."""
    seen: list[str] = []
    for n in names(text):
        if n.lower() in QUESTION_WORDS or n.lower() in STOP:
            continue
        if not any(n in s for s in seen):
            seen = [s for s in seen if s not in n] + [n]
    return seen


def _topic(text: str) -> str:
    """The content words of a question, as a fallback topic when it names nobody."""
    return " ".join(w for w in words(text) if w not in STOP and w not in QUESTION_WORDS)


def needs_context(question: str) -> bool:
    """True when a question leans on earlier turns: a pronoun, a 'what about' opener, or no content of its own."""
    q = question.strip().lower()
    if _SUBJECT.search(q) or _POSSESSIVE.search(q) or q.startswith(_STARTERS):
        return True
    if _entities(question):
        return False
    if _DEICTIC.search(q):
        return True
    return len([w for w in words(q) if w not in STOP and w not in QUESTION_WORDS]) <= 1


def rule_rewrite(question: str, history) -> str:
    """Carry the previous question's names into a follow-up by rule."""
    turns = normalize_history(history)
    previous = [t for r, t in turns if r == "user"]
    if not previous or not needs_context(question):
        return question
    entities = _entities(previous[-1]) or _entities(" ".join(previous[-2:]))
    if not entities:
        topic = _topic(previous[-1])
        return f"{question.rstrip()} ({topic})" if topic else question
    main = entities[0] if len(entities) == 1 else max(entities, key=len)
    if _SUBJECT.search(question):
        out = _SUBJECT.sub(main, question, count=1)
    elif _POSSESSIVE.search(question):
        out = _POSSESSIVE.sub(f"{main}'s", question, count=1)
    else:
        out = f"{question.rstrip()} ({', '.join(e for e in entities if e not in question)})"
    rest = [e for e in entities if e != main and e not in out]
    return f"{out.rstrip()} ({', '.join(rest)})" if rest and not out.endswith(")") else out


REWRITE_PROMPT = (
    "Rewrite the user's last question so it can be understood without the conversation: replace pronouns "
    "and vague references with the names they refer to. Keep it a question, keep its language, add nothing "
    "else. If it is already standalone, return it unchanged. Reply with the question only."
)


def llm_rewrite(question: str, history, chat_model) -> str:
    """The standalone question from the chat model (the rule's answer when the reply is unusable)."""
    from langchain_core.messages import HumanMessage, SystemMessage

    turns = normalize_history(history)
    if not turns:
        return question
    convo = "\n".join(f"{r}: {t[:1000]}" for r, t in turns[-6:])
    reply = chat_model.invoke(
        [SystemMessage(REWRITE_PROMPT), HumanMessage(f"Conversation:\n{convo}\n\nLast question: {question}")]
    )
    text = " ".join(str(getattr(reply, "content", reply)).split()).strip().strip('"')
    if not text or len(text) > 4 * len(question) + 200:
        return rule_rewrite(question, history)
    return text
