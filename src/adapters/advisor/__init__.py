"""The AI advisor over any OpenAI-compatible chat-completions endpoint (OpenRouter, Ollama...)."""

from adapters.advisor.budget import TokenBudget
from adapters.advisor.openai_compat import (
    API_KEY_VARIABLE,
    AdvisorSettings,
    OpenAICompatAdvisor,
    make_advisor_client,
)

__all__ = ["API_KEY_VARIABLE", "AdvisorSettings", "OpenAICompatAdvisor", "TokenBudget",
           "make_advisor_client"]
