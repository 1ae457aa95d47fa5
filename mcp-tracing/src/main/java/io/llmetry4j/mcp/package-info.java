/** Tracing of LangChain4j mcp. */
package io.llmetry4j.mcp;
