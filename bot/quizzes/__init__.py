"""Knowledge quizzes: contests for residents and training sets for officers, on verified content only.

- ``drafting``: multiple-choice questions drafted from knowledge entries (the right option from the entry's
  answer, the wrong ones from the same kind of value in other entries — other distances, other dates, other
  fines — never a value the entry itself states);
- ``store``: quizzes, their review and publication, attempts and answers;
- ``results``: participants, scores, correct rate per question and topic, leaderboards, training summary.
"""
