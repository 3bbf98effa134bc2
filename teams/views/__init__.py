"""Team pages (S3.3), one module per part: tasks, skills, meetings, training, notifications."""
