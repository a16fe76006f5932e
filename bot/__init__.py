"""Vietnamese-language assistant for coastal residents: gateways, knowledge, storage, web, CLI."""
