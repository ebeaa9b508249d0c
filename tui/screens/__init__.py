"""The viewer's modal screens: help, breakpoints, kind filter."""
