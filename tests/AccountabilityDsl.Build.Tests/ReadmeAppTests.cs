using System.Text.Json;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using AccountabilityDsl.Build.Tests.Infrastructure;

namespace AccountabilityDsl.Build.Tests;

/// <summary>
/// README's "Use it in an app" as a new user follows it: its project file, nuget.config and
/// Program.cs, copied from the README as they stand (only the clone's path filled in), restore the
/// packed AccountabilityDsl.Build from the local folder by the floating <c>0.1.0-local.*</c>
/// version, build and run; and the <c>ownerc</c> tool installs from the same folder.
/// </summary>
[Collection(nameof(PackedFeedCollection))]
[Trait("Category", "Slow")]
public sealed partial class ReadmeAppTests(PackedFeed feed)
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(DotNet.RepoRoot, "README.md")).ReplaceLineEndings("\n");

    private static string Section => Readme[Readme.IndexOf("## Use it in an app", StringComparison.Ordinal)..Readme.IndexOf("## Documentation", StringComparison.Ordinal)];

    [Fact]
    public void The_readme_app_restores_the_newest_local_pack_builds_and_runs()
    {
        string[] xml = [.. XmlBlock().Matches(Section).Select(m => m.Groups[1].Value)];
        xml.Length.ShouldBe(2, "the section shows the project file and the nuget.config");
        string program = CSharpBlock().Match(Section).Groups[1].Value;

        string app = Path.Combine(feed.Root, "readme-app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "App.csproj"), xml[0]);
        File.WriteAllText(Path.Combine(app, "nuget.config"), xml[1].Replace("/path/to/clone/artifacts/packages", feed.Feed));
        File.WriteAllText(Path.Combine(app, "Program.cs"), program);
        File.Copy(Path.Combine(DotNet.RepoRoot, "samples", "retail-bank.owner"), Path.Combine(app, "retail-bank.owner"));

        ProcessResult run = DotNet.Run(app, feed.Environment, "run");
        run.ExitCode.ShouldBe(0, run.ToString());
        run.Output.ShouldContain("AffluentSegmentManager");
        Section.ShouldContain("`dotnet run` prints `AffluentSegmentManager`");
        File.ReadAllText(Path.Combine(app, "obj", "project.assets.json")).ShouldContain($"\"AccountabilityDsl.Build/{feed.Version}\"");
    }

    [Fact]
    public void The_ownerc_tool_installs_from_the_local_folder_as_the_readme_says()
    {
        Match install = ToolInstall().Match(Section);
        install.Success.ShouldBeTrue("the section shows 'dotnet tool install --global ownerc --add-source … --version …'");
        string tools = Path.Combine(feed.Root, "tools");

        ProcessResult installed = DotNet.Run(feed.Root, feed.Environment,
            "tool", "install", "ownerc", "--tool-path", tools, "--add-source", feed.Feed, "--version", install.Groups["version"].Value);
        installed.ExitCode.ShouldBe(0, installed.ToString());
        installed.Output.ShouldContain($"(version '{feed.Version}')", customMessage: "the newest local pack is the one installed");

        ProcessResult check = DotNet.RunProgram(Path.Combine(tools, "ownerc"), DotNet.RepoRoot, feed.Environment, "check", "samples/retail-bank.owner");
        check.ExitCode.ShouldBe(0, check.ToString());
        check.Output.ShouldContain("no problems found in 1 file");

        // Start-up (docs/performance.md): what installs on this machine is its platform's package,
        // compiled ahead of time, not the portable one that JIT-compiles every run: a native
        // executable (Native AOT, with the managed build for the commands it forwards in managed/)
        // where the packing machine could link one, else ReadyToRun assemblies.
        string command = new FileInfo(Path.Combine(tools, "ownerc")).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.Combine(tools, "ownerc");
        command.ShouldContain($"ownerc.{RuntimeInformation.RuntimeIdentifier}", Case.Insensitive);
        string folder = Path.GetDirectoryName(command)!;
        if (IsElf(command))
        {
            File.Exists(Path.Combine(folder, "managed", "ownerc.dll")).ShouldBeTrue("the native ownerc has its managed companion");
        }
        else
        {
            IsReadyToRun(Path.Combine(folder, "ownerc.dll")).ShouldBeTrue("ownerc.dll carries precompiled code");
            IsReadyToRun(Path.Combine(folder, "AccountabilityDsl.dll")).ShouldBeTrue("the compiler carries precompiled code");
        }

        // Help links (docs/cli.md): the installed tool links every rule to its page in its own folder.
        ProcessResult sarif = DotNet.RunProgram(Path.Combine(tools, "ownerc"), DotNet.RepoRoot, feed.Environment, "check", "samples/company-c.owner", "--format", "sarif");
        using JsonDocument log = JsonDocument.Parse(sarif.Output);
        foreach (JsonElement rule in log.RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray())
        {
            string page = new Uri(rule.GetProperty("helpUri").GetString()!).LocalPath;
            page.ShouldStartWith(Path.Combine(tools, ".store"));
            File.ReadAllText(page).ShouldBe(File.ReadAllText(Path.Combine(DotNet.RepoRoot, "docs", "rules", rule.GetProperty("id").GetString() + ".md")));
        }
    }

    private static bool IsElf(string file)
    {
        byte[] head = new byte[4];
        using FileStream stream = File.OpenRead(file);
        return stream.Read(head) == 4 && head is [0x7f, (byte)'E', (byte)'L', (byte)'F'];
    }

    /// <summary>Whether the assembly carries ReadyToRun code (its CLI header points at a native header).</summary>
    private static bool IsReadyToRun(string assembly)
    {
        using var reader = new PEReader(File.OpenRead(assembly));
        return reader.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }

    [GeneratedRegex("```xml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex XmlBlock();

    [GeneratedRegex("```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"dotnet tool install --global ownerc --add-source artifacts/packages --version '(?<version>[^']+)'")]
    private static partial Regex ToolInstall();
}
