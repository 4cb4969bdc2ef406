"""The AI agent: understanding a customer message, finding the answer, replying, standing down."""
