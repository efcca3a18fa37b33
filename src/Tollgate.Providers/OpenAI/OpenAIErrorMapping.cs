namespace Tollgate.Providers.OpenAI;

/// <summary>Turns an OpenAI-shaped error answer (status, body, relayed headers) into a <see cref="ProviderException"/>.</summary>
public delegate ProviderException OpenAIErrorMapping(int status, ReadOnlySpan<byte> body, IReadOnlyList<KeyValuePair<string, string>> headers, TimeProvider time);
