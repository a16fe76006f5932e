"""Official publications (leaflets, handbooks) the bot sends on request."""
