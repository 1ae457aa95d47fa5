/** Tracing of LangChain4j agentic. */
package io.llmetry4j.agentic;
