using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Tollgate.Testing.Gemini;

/// <summary>
/// A service account made up for a test: a fresh RSA key pair and the JSON key file Google issues for it (fields as in a
/// downloaded key: type, project_id, private_key_id, private_key as PKCS#8 PEM, client_email, token_uri, ...).
/// </summary>
public sealed class FakeServiceAccountKey : IDisposable
{
    private readonly RSA _key = RSA.Create(2048);

    /// <summary>The account's e-mail, the JWT's <c>iss</c>.</summary>
    public string ClientEmail { get; init; } = "tollgate-test@my-project.iam.gserviceaccount.com";

    /// <summary>The key id, the JWT header's <c>kid</c>.</summary>
    public string PrivateKeyId { get; init; } = "0123456789abcdef0123456789abcdef01234567";

    /// <summary>The <c>project_id</c> written to the file.</summary>
    public string ProjectId { get; init; } = "my-project";

    /// <summary>The public half, for verifying signatures.</summary>
    public RSA PublicKey => _key;

    /// <summary>The private key as PKCS#8 PEM (<c>-----BEGIN PRIVATE KEY-----</c>), as Google writes it.</summary>
    public string PrivateKeyPem => _key.ExportPkcs8PrivateKeyPem();

    /// <summary>The key file's JSON.</summary>
    public string ToJson(string tokenUri) => new JsonObject
    {
        ["type"] = "service_account",
        ["project_id"] = ProjectId,
        ["private_key_id"] = PrivateKeyId,
        ["private_key"] = PrivateKeyPem + "\n",
        ["client_email"] = ClientEmail,
        ["client_id"] = "100000000000000000001",
        ["auth_uri"] = "https://accounts.google.com/o/oauth2/auth",
        ["token_uri"] = tokenUri,
        ["auth_provider_x509_cert_url"] = "https://www.googleapis.com/oauth2/v1/certs",
        ["universe_domain"] = "googleapis.com",
    }.ToJsonString();

    /// <summary>Writes the key file to <paramref name="path"/>.</summary>
    public void WriteTo(string path, string tokenUri) => File.WriteAllText(path, ToJson(tokenUri));

    /// <inheritdoc/>
    public void Dispose() => _key.Dispose();
}
