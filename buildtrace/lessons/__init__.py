"""Lessons: guided walkthroughs of a build, and handouts to read after class.

* :mod:`~buildtrace.lessons.walkthrough` finds, loads and resolves lessons (small TOML
  files, see ``FORMAT.md``) and steps through them; the terminal text mode and the
  TUI both drive it;
* :mod:`~buildtrace.lessons.handout` turns a lesson, a script or a trace into a
  document (Markdown, or self-contained HTML with the diagrams embedded).

The words for each event come from :mod:`buildtrace.narration`.
"""
