namespace Tollgate.Testing.OpenAI;

/// <summary>One request the fake upstream received, recorded before it was answered.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, such as <c>/v1/chat/completions</c>.</param>
/// <param name="Headers">The request headers (case-insensitive names; repeated values joined with a comma).</param>
/// <param name="Body">The raw body text.</param>
public sealed record FakeOpenAIRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);
