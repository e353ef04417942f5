"""The sidebar's engine chooser: every registered engine with its settings, checked once when chosen."""

from __future__ import annotations

import streamlit as st

from newsdesk.errors import NewsdeskError
from ui.render import escape_md

CHOICE = "engine_choice"  # session key: the settings of the engine in use (absent: the configured default)


def session_settings(settings):
    """The settings with this session's engine choice applied (the configured ones until a choice is made)."""
    return settings.model_copy(update=st.session_state.get(CHOICE) or {})


def _check(candidate) -> str:
    """'' when the engine answers one request; what went wrong otherwise."""
    from assistant.engines import get_engine

    try:
        get_engine(candidate).check()
    except NewsdeskError as exc:
        return f"{exc.message} {('Fix: ' + exc.fix) if exc.fix else ''}".strip()
    except Exception as exc:  # a client library's own error
        return f"{type(exc).__name__}: {exc}"
    return ""


def engine_picker(settings):
    """Engine select box, its settings and a Use button; returns the settings this session answers with."""
    from assistant.engines import engine_class, engine_names, get_engine

    current = session_settings(settings)
    names = engine_names()
    chosen = current.llm  # a name the registry no longer has falls back to the first one
    name = st.selectbox(
        "Engine", names, index=names.index(chosen) if chosen in names else 0, key="engine_name",
        format_func=lambda n: n, help="; ".join(f"{n}: {engine_class(n).summary}" for n in names),
    )  # fmt: skip
    cls = engine_class(name)
    st.caption(escape_md(cls.summary))
    values = {"llm": name}
    for field, label in cls.options.items():
        values[field] = st.text_input(
            label, value=str(getattr(current, field)), key=f"engine_{field}"
        ).strip()
    if st.button("Use this engine", key="engine_use", icon=":material/check:"):
        candidate = settings.model_copy(update=values)
        with st.spinner(f"Checking {name}…"):
            problem = _check(candidate)
        if problem:
            st.session_state["engine_problem"] = f"{name} did not answer: {problem}"
        else:
            st.session_state[CHOICE] = values
            st.session_state.pop("engine_problem", None)
        current = session_settings(settings)
    if st.session_state.get("engine_problem"):
        st.error(escape_md(st.session_state["engine_problem"]))
    st.caption(f"Engine: {escape_md(get_engine(current).describe())}")
    return current
