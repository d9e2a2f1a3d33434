"""Quiz Tutor: a Telegram bot that tutors people for multiple-choice exams."""
