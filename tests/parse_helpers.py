"""Shared by the test_parse_* modules: the folder of parse fixtures and a photo caption line."""

from __future__ import annotations

from pathlib import Path

FIX = Path(__file__).parent / "fixtures" / "parse"
CAPTION = "Firefighters battle a blaze near the town of Ridgeway, June 3, 2024. REUTERS/Jane Roe"
