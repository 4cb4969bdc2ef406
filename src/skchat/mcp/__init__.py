"""The MCP tool gateway: `/mcp`, the Model Context Protocol over Streamable HTTP (docs/mcp.md)."""
