using System.Globalization;

namespace AccountabilityDsl.Build.Tests.Infrastructure;

/// <summary>
/// Once per test run: packs AccountabilityDsl.Runtime, AccountabilityDsl.Runtime.Sqlite,
/// AccountabilityDsl.Runtime.PostgreSql, AccountabilityDsl.Runtime.Hosting, AccountabilityDsl.Build
/// and the ownerc tool (already built with the tests) into a temporary feed, under a version no
/// other build has used (<c>0.1.0-local.&lt;time&gt;</c>, made the way README's "Use it in an app"
/// makes it), so that no
/// package cache can hand back an older package. Consuming projects restore into their own
/// package folder, never the user's.
/// </summary>
public sealed class PackedFeed : IDisposable
{
    public PackedFeed()
    {
        Root = Path.Combine(Path.GetTempPath(), "ownerb-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        Feed = Path.Combine(Root, "feed");
        Packages = Path.Combine(Root, "nuget-packages");
        Directory.CreateDirectory(Feed);
        string suffix = "local." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        Version = "0.1.0-" + suffix;
        _installedTool = new Lazy<string>(InstallTool);

        foreach ((string project, bool built) in new[]
        {
            ("src/AccountabilityDsl.Runtime/AccountabilityDsl.Runtime.csproj", true),
            ("src/AccountabilityDsl.Runtime.Sqlite/AccountabilityDsl.Runtime.Sqlite.csproj", true),
            ("src/AccountabilityDsl.Runtime.PostgreSql/AccountabilityDsl.Runtime.PostgreSql.csproj", true),
            ("src/AccountabilityDsl.Runtime.Hosting/AccountabilityDsl.Runtime.Hosting.csproj", true),
            ("src/AccountabilityDsl.Build/AccountabilityDsl.Build.csproj", true),
            // The tool's packages are built for their platforms (ReadyToRun for this machine's,
            // plus the portable one): builds the tests did not make, so this pack makes them, on
            // the libraries the tests built, and may take minutes on a busy machine.
            ("src/AccountabilityDsl.Cli/AccountabilityDsl.Cli.csproj", false),
        })
        {
            ProcessResult pack = DotNet.RunLong(DotNet.RepoRoot, TimeSpan.FromMinutes(built ? 4 : 12),
                ["pack", Path.Combine(DotNet.RepoRoot, project), built ? "--no-build" : "-p:BuildProjectReferences=false", "-c", DotNet.Configuration,
                "-o", Feed, "-p:VersionSuffix=" + suffix, "-nr:false"]);
            if (pack.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet pack {project} failed:\n{pack}");
            }
        }
    }

    /// <summary>
    /// The executable of the ownerc tool installed from the feed (once, into its own folder) as
    /// <c>dotnet tool install --tool-path</c> installs it: the package for this machine's platform.
    /// </summary>
    public string InstalledTool => _installedTool.Value;

    private readonly Lazy<string> _installedTool;

    /// <summary>A temporary folder outside the repository (no Directory.Build.props applies).</summary>
    public string Root { get; }

    public string Feed { get; }

    /// <summary>NUGET_PACKAGES for every consuming build.</summary>
    public string Packages { get; }

    public string Version { get; }

    /// <summary>The packed AccountabilityDsl.Build package.</summary>
    public string BuildPackage => Path.Combine(Feed, $"AccountabilityDsl.Build.{Version}.nupkg");

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["NUGET_PACKAGES"] = Packages };

    /// <summary>
    /// The temporary feed, the default feed, and (read-only, as a local source) the user's
    /// package folder, so that SQLite and friends need not be downloaded again.
    /// </summary>
    public string NuGetConfig() => NuGetConfig(Feed);

    /// <summary>A nuget.config with <paramref name="feed"/> (if any) and the default sources.</summary>
    public static string NuGetConfig(string? feed)
    {
        string userPackages = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string local = Directory.Exists(userPackages) ? $"\n    <add key=\"user-packages\" value=\"{userPackages}\" />" : "";
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                {(feed is null ? "" : $"<add key=\"e2e\" value=\"{feed}\" />")}{local}
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """;
    }

    private string InstallTool()
    {
        string tools = Path.Combine(Root, "installed-ownerc");
        ProcessResult installed = DotNet.Run(Root, Environment, "tool", "install", "ownerc", "--tool-path", tools, "--add-source", Feed, "--version", Version);
        if (installed.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet tool install ownerc failed:\n{installed}");
        }

        // The command is a link into the tool's store; the companion lies next to its target.
        var command = new FileInfo(Path.Combine(tools, "ownerc"));
        return command.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? command.FullName;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
