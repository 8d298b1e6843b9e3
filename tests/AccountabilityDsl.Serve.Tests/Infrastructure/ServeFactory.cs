using System.Net.Http.Json;
using System.Text.Json;
using AccountabilityDsl.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AccountabilityDsl.Serve.Tests.Infrastructure;

/// <summary>
/// `ownerc serve` in process (WebApplicationFactory on a test server), over copies of policy
/// files (or folders) in a temporary folder of its own (so tests can edit them) and a SQLite ledger there.
/// The host is the service's own (DecisionService.CreateHostBuilder), not a test double.
/// </summary>
public sealed class ServeFactory : WebApplicationFactory<ServeFactory>
{
    private readonly string? _token;
    private readonly string _ledger;

    private readonly TimeProvider? _clock;

    /// <param name="clock">The service's clock (and then its time zone is UTC); default the system's.</param>
    public ServeFactory(string[] policies, string? token = null, string ledger = "sqlite:ledger.db", TimeProvider? clock = null)
    {
        _clock = clock;
        Directory = System.IO.Directory.CreateTempSubdirectory("ownerc-serve-tests-").FullName;
        foreach (string policy in policies)
        {
            string source = Source(policy);
            if (System.IO.Directory.Exists(source))
            {
                // A folder (a policy of several files): its tree, under the served folder.
                foreach (string file in System.IO.Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
                {
                    string target = Path.Combine(Directory, Path.GetRelativePath(source, file));
                    System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.Copy(file, target);
                }
            }
            else
            {
                File.Copy(source, Path.Combine(Directory, Path.GetFileName(policy)));
            }
        }

        _token = token;
        _ledger = ledger;
    }

    /// <summary>The folder the service serves (every *.owner in it, subfolders too) and keeps its ledger in.</summary>
    public string Directory { get; }

    public static string Source(string policy) =>
        policy.Contains('/') ? Path.Combine(Baseline.RepoRoot, policy) : Path.Combine(AppContext.BaseDirectory, "Policies", policy);

    public string PolicyPath(string file) => Path.Combine(Directory, file);

    internal PolicyCatalog Catalog => (PolicyCatalog)Services.GetService(typeof(PolicyCatalog))!;

    protected override IHostBuilder CreateHostBuilder()
    {
        var options = new ServeOptions
        {
            Paths = [Directory],
            Ledger = _ledger,
            WorkingDirectory = Directory,
            TokenFile = _token is null ? null : WriteToken(),
        };
        IHostBuilder builder = DecisionService.CreateHostBuilder(options, options.ReadToken(out _));
        if (_clock is { } clock)
        {
            builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection([new("ContactGate:TimeZone", "UTC")]));
            builder.ConfigureServices(services => services.AddSingleton(clock));
        }

        return builder;
    }

    // The factory would look for a content root named after the test project beside the
    // solution; the service's is the folder it serves.
    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) =>
        Microsoft.AspNetCore.Hosting.HostingAbstractionsWebHostBuilderExtensions.UseContentRoot(builder, Directory);

    private string WriteToken()
    {
        string path = Path.Combine(Directory, "token");
        File.WriteAllText(path, _token + "\n");
        return path;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>JSON helpers for the tests.</summary>
public static class Http
{
    public static async Task<(int Status, JsonElement Body)> Post(this HttpClient client, string path, object body)
    {
        using HttpResponseMessage response = await client.PostAsJsonAsync(path, body);
        return ((int)response.StatusCode, await Read(response));
    }

    public static async Task<(int Status, JsonElement Body)> PostRaw(this HttpClient client, string path, string body, string contentType = "application/json")
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        using HttpResponseMessage response = await client.PostAsync(path, content);
        return ((int)response.StatusCode, await Read(response));
    }

    public static async Task<(int Status, JsonElement Body)> Get(this HttpClient client, string path)
    {
        using HttpResponseMessage response = await client.GetAsync(path);
        return ((int)response.StatusCode, await Read(response));
    }

    private static async Task<JsonElement> Read(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        if (text.Length == 0)
        {
            return default;
        }

        if (response.Content.Headers.ContentType?.MediaType is { } type && type.Contains("json", StringComparison.Ordinal))
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }

        return JsonDocument.Parse(JsonSerializer.Serialize(text)).RootElement.Clone();
    }

    public static string Str(this JsonElement element, string property) => element.GetProperty(property).GetString()!;
}

/// <summary>A clock the test sets: the service's decisions are made at <see cref="Now"/>.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
}
