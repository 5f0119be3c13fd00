"""Language-model clients for the LLM referee: one small protocol, three backends, one session policy."""

from causal_ensemble.llm._cache import AnswerCache, default_cache_dir
from causal_ensemble.llm._client import (
    ChatModel,
    Completion,
    LLMBudgetError,
    LLMError,
    LLMTimeoutError,
    LLMTransientError,
    Message,
    ModelNotInstalledError,
)
from causal_ensemble.llm._fake import DeterministicModel
from causal_ensemble.llm._http import OpenAICompatibleModel
from causal_ensemble.llm._llama import LlamaCppModel
from causal_ensemble.llm._session import LLMSession, SessionSettings, SessionStats
from causal_ensemble.llm._spec import LLMSpec, PromptStyle, make_chat_model, parse_llm_spec
from causal_ensemble.llm._weights import embedded_model_path, smollm2_path

__all__ = [
    "AnswerCache",
    "ChatModel",
    "Completion",
    "DeterministicModel",
    "LLMBudgetError",
    "LLMError",
    "LLMSession",
    "LLMSpec",
    "LLMTimeoutError",
    "LLMTransientError",
    "LlamaCppModel",
    "Message",
    "ModelNotInstalledError",
    "OpenAICompatibleModel",
    "PromptStyle",
    "SessionSettings",
    "SessionStats",
    "default_cache_dir",
    "embedded_model_path",
    "make_chat_model",
    "parse_llm_spec",
    "smollm2_path",
]
