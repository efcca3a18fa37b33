namespace Tollgate.Providers.Bedrock;

/// <summary>What <see cref="AwsSigV4Signer.Sign"/> computed.</summary>
/// <param name="CanonicalRequest">Step 1's canonical request.</param>
/// <param name="StringToSign">Step 2's string to sign.</param>
/// <param name="Signature">The hex signature.</param>
/// <param name="Authorization">The <c>Authorization</c> header value.</param>
internal sealed record AwsSignature(string CanonicalRequest, string StringToSign, string Signature, string Authorization);
