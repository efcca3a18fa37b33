namespace Tollgate.Providers.Bedrock;

/// <summary>AWS credentials; never logged.</summary>
/// <param name="AccessKeyId">The access key id.</param>
/// <param name="SecretAccessKey">The secret access key.</param>
/// <param name="SessionToken">The session token of temporary credentials, sent as <c>x-amz-security-token</c>.</param>
internal sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken)
{
    /// <summary>Keeps the secret out of logs and exception messages.</summary>
    public override string ToString() => $"AwsCredentials({AccessKeyId}, ***)";
}
