"""A tiny lifecycle used only to test the shared state-machine mechanism."""

from django.db import models


class Document(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "draft"
        SUBMITTED = "submitted", "submitted"
        APPROVED = "approved", "approved"
        REJECTED = "rejected", "rejected"

    municipality = models.ForeignKey("tenancy.Municipality", on_delete=models.CASCADE)
    title = models.CharField(max_length=100)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)

    def __str__(self) -> str:
        return self.title
