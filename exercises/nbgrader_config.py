"""nbgrader settings for the Time to Shine exercises (a trainer's course folder gets a copy).

Chosen for participants who answer through widgets, not code:
- one short per-cell timeout: a cell that runs longer than 20 s is stuck (an endless loop costs
  20 s per stuck cell, not nbgrader's default 30 s);
- deleted graded cells are put back (nbgrader otherwise shows "needs manual grading" forever);
- the released answer cell is a line that reads the activity's saved choices, not a code stub
  to fill in; what the release says in place of a solution is in English and Spanish (one release
  serves both: the activity switches language in place);
- feedback pages in each participant's language: the language they answered in, with nbgrader's
  labels translated (shine.course.feedback: a template of ours and a preprocessor);
- the grading checks inside nbgrader (shine.course.checks), so `shine course grade`, `nbgrader
  autograde` and the formgrader's Autograde button all apply them: the released cells are run with
  the participant's answers (answers.json, the plan file, the written reflections), in a scratch
  folder holding only those, in a sandbox where the machine has bubblewrap; a bad time stamp or a
  near-miss notebook name is tidied first; every finding goes to grading-history.jsonl.
Paths come from the environment so one laptop can keep several courses apart.
"""

import os
from pathlib import Path

from shine.course.checks import configure as grading_checks
from shine.course.feedback import configure as feedback_in_participants_language
from shine.course.sources import CODE_STUB, TEXT_STUB

c = get_config()  # noqa: F821 - provided by nbgrader when it reads this file

here = Path(__file__).resolve().parent
home = Path(os.environ.get("SHINE_HOME") or Path.home() / ".time-to-shine")

c.CourseDirectory.course_id = "time-to-shine"
c.CourseDirectory.root = str(here)
c.CourseDirectory.db_url = os.environ.get("SHINE_GRADEBOOK_URL") or f"sqlite:///{here / 'gradebook.db'}"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".answers-*"]

c.Exchange.root = os.environ.get("SHINE_EXCHANGE") or str(home / "exchange")
c.Exchange.path_includes_course = True

c.Execute.timeout = 20
c.Execute.interrupt_on_timeout = True
c.OverwriteCells.add_missing_cells = True

c.ClearSolutions.code_stub = {"python": CODE_STUB}
c.ClearSolutions.text_stub = TEXT_STUB
c.ClearSolutions.enforce_metadata = True

feedback_in_participants_language(c)
grading_checks(c)
