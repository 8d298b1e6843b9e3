using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using AccountabilityDsl.Build.Tests.Infrastructure;
using AccountabilityDsl.Workspace;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Emit;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Build.Tests;

/// <summary>
/// The netstandard2.0 build of the task, the one .NET Framework MSBuild (Visual Studio) loads:
/// run by <c>dotnet build</c> through the <c>AccountabilityDslTaskFramework</c> switch, run on Mono
/// by a .NET Framework host that loads it as .NET Framework MSBuild does, and its task folder
/// checked to be a complete closure for a .NET Framework host.
/// </summary>
[Collection(nameof(PackedFeedCollection))]
[Trait("Category", "Slow")]
public sealed class NetStandardTaskTests(PackedFeed feed)
{
    private const string NetStandardTaskFolder = "tasks/netstandard2.0/";

    /// <summary>A keyword as a name, and a name too long for metadata (shortened with a SHA-256 suffix).</summary>
    private static readonly string NamingPolicy = $"""
        policy Naming namespace Demo.Policies

        segment {LongName}
        segment event
        stages Active
        owner class
        owner Ops
        accountable class for {LongName} at Active
        accountable Ops for event at Active
        """;

    private static string LongName => "Very" + string.Concat(Enumerable.Repeat("Long", 60));

    /// <summary>
    /// What .NET Framework itself provides to a netstandard2.0 assembly; anything else an assembly
    /// of the task folder references must be in the folder.
    /// </summary>
    private static readonly HashSet<string> FrameworkAssemblies = new(StringComparer.OrdinalIgnoreCase)
    {
        "mscorlib", "netstandard", "System", "System.Core", "System.Numerics", "System.Xml", "System.Xml.Linq",
        "System.Data", "System.Runtime.Serialization", "System.Configuration", "Microsoft.CSharp",
    };

    [Fact]
    public void Dotnet_build_runs_the_netstandard2_0_task_in_process_with_canonical_errors_and_the_same_generated_CSharp()
    {
        var app = new ConsumerProject(feed, "netstandard", PackageEndToEndTests.Program);
        app.Write("policies/retail-bank.owner", File.ReadAllText(Path.Combine(DotNet.RepoRoot, "samples", "retail-bank.owner")));
        app.Write("conflict.owner", PackageEndToEndTests.ConflictingPolicy);
        app.Write("naming.owner", NamingPolicy);
        string netStandardTask = Path.Combine(feed.Packages, "accountabilitydsl.build", feed.Version, "tasks", "netstandard2.0", "AccountabilityDsl.Build.dll");

        ProcessResult failed = app.Build("-p:AccountabilityDslTaskFramework=netstandard2.0", "-v:detailed");
        failed.ExitCode.ShouldNotBe(0, failed.ToString());
        failed.Output.ShouldContain($"Using \"GenerateOwnerPolicies\" task from assembly \"{netStandardTask}\"", Case.Sensitive, failed.ToString());
        // In the build process: no task host.
        failed.Output.ShouldNotContain("external task host");
        failed.Output.ShouldContain($"{Path.Combine(app.Directory, "conflict.owner")}(9,1,9,43): error OWN0102: Sales and Marketing (lines 8, 9) both claim Retail at Active", Case.Sensitive, failed.ToString());
        File.Exists(app.Generated("conflict.g.cs")).ShouldBeFalse();

        app.Write("conflict.owner", PackageEndToEndTests.ConflictingPolicy.Replace("accountable Marketing", "responsible Marketing"));
        ProcessResult built = app.Build("-p:AccountabilityDslTaskFramework=netstandard2.0");
        built.ExitCode.ShouldBe(0, built.ToString());
        built.Output.ShouldNotContain("OWN0");
        app.RunApp().Output.ShouldBe("AccountableFor(Affluent, Active) = AffluentSegmentManager\nAccountableFor(Retail, Active) = Sales\n");

        // The netstandard2.0 compiler (its BCL stand-ins, Roslyn 4.11) writes what the net10.0 one
        // (these tests' own, Roslyn 5) writes for the same policy file.
        foreach ((string policy, string generated) in new[] { ("policies/retail-bank.owner", "retail-bank.g.cs"), ("conflict.owner", "conflict.g.cs"), ("naming.owner", "naming.g.cs") })
        {
            File.ReadAllText(app.Generated(generated)).ShouldBe(Net10Source(Path.Combine(app.Directory, policy)), $"{generated} differs from the net10.0 compiler's");
        }
    }

    /// <summary>
    /// The packed netstandard2.0 task on a .NET Framework runtime: Mono 6.8 runs
    /// tests/AccountabilityDsl.Build.Tests.FrameworkHost (net472), which loads the task folder with
    /// <c>Assembly.LoadFrom</c> as .NET Framework MSBuild does, runs the task as the targets do (with
    /// the SDK's default <c>NoWarn</c> and <c>WarningsAsErrors</c>) and prints what it logged. Twice:
    /// with MSBuild 17.11's own System.* assemblies and binding redirects in the host's folder (the
    /// task binds to those), and with none (the task folder's copies are loaded). CI installs Mono
    /// (<c>.ci/run</c>), so there a missing <c>mono</c> fails the test; elsewhere there is nothing to run.
    /// </summary>
    [SkippableFact]
    public void The_netstandard2_0_task_runs_on_Mono_with_the_errors_and_the_CSharp_of_the_net10_0_compiler()
    {
        string mono = FindMono();

        string root = Path.Combine(feed.Root, "mono");
        (string host, string tasks) = PrepareMonoHost(root);

        string policies = Path.Combine(root, "policies");
        Directory.CreateDirectory(policies);
        File.Copy(Path.Combine(DotNet.RepoRoot, "samples", "retail-bank.owner"), Path.Combine(policies, "retail-bank.owner"));
        File.WriteAllText(Path.Combine(policies, "conflict.owner"), PackageEndToEndTests.ConflictingPolicy.ReplaceLineEndings("\n"));
        File.WriteAllText(Path.Combine(policies, "naming.owner"), NamingPolicy.ReplaceLineEndings("\n"));
        string conflict = Path.Combine(policies, "conflict.owner");

        // MSBuild 17.11's folder: the task binds to its System.Collections.Immutable, System.Memory…
        List<JsonElement> run = RunOnMono(mono, host, tasks, policies, "msbuild-17.11", "conflict.owner", "retail-bank.owner", "naming.owner");
        Diagnostic conflictError = Net10Compilation(conflict).Diagnostics.Single(d => d.Severity == DiagnosticSeverity.Error);
        string[] expected =
        [
            Event("error", conflictError.Id, conflictError.Location, PageInTaskFolder(tasks, conflictError.Id), conflictError.Message),
            .. conflictError.Related.Select(r => Event("message", conflictError.Id, r.Location, null, $"related location: {r.Message}")),
        ];
        run.Where(e => e.GetProperty("kind").GetString() is "error" or "warning" or "message").Select(e => JsonSerializer.Serialize(e, Relaxed)).ShouldBe(expected);
        // What the net10.0 build prints for it: conflict.owner(9,1,9,43): error OWN0102: … (PackageEndToEndTests).
        JsonElement error = run.Single(e => e.GetProperty("kind").GetString() == "error");
        (error.GetProperty("file").GetString(), error.GetProperty("line").GetInt32(), error.GetProperty("column").GetInt32(), error.GetProperty("endLine").GetInt32(), error.GetProperty("endColumn").GetInt32())
            .ShouldBe((conflict, 9, 1, 9, 43));
        error.GetProperty("message").GetString().ShouldStartWith("Sales and Marketing (lines 8, 9) both claim Retail at Active");
        Output(run, "conflict.owner").ShouldBeFalse();
        run.Single(e => e.GetProperty("kind").GetString() == "result").GetProperty("success").GetBoolean().ShouldBeFalse();
        foreach (string policy in new[] { "retail-bank", "naming" })
        {
            Output(run, policy + ".owner").ShouldBeTrue();
            File.ReadAllText(Path.Combine(root, "msbuild-17.11", policy + ".g.cs")).ShouldBe(Net10Source(Path.Combine(policies, policy + ".owner")), $"{policy}.g.cs differs from the net10.0 compiler's");
        }

        LoadedFrom(run, "AccountabilityDsl.Build").ShouldBe(tasks);
        LoadedFrom(run, "Microsoft.CodeAnalysis").ShouldBe(tasks);
        LoadedFrom(run, "Microsoft.Build.Utilities.Core").ShouldBe(host);
        LoadedFrom(run, "System.Collections.Immutable").ShouldBe(host);

        // A host that ships none of them: the task folder's own copies are loaded.
        string bareHost = Path.Combine(root, "bare-host");
        Directory.CreateDirectory(bareHost);
        foreach (string file in Directory.EnumerateFiles(host).Where(f => !Path.GetFileName(f).StartsWith("System.", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(bareHost, Path.GetFileName(file)));
        }

        List<JsonElement> bare = RunOnMono(mono, bareHost, tasks, policies, "bare", "retail-bank.owner");
        bare.Single(e => e.GetProperty("kind").GetString() == "result").GetProperty("success").GetBoolean().ShouldBeTrue(string.Join('\n', bare));
        File.ReadAllText(Path.Combine(root, "bare", "retail-bank.g.cs")).ShouldBe(Net10Source(Path.Combine(policies, "retail-bank.owner")));
        LoadedFrom(bare, "System.Collections.Immutable").ShouldBe(tasks);
        LoadedFrom(bare, "System.Memory").ShouldBe(tasks);
    }

    /// <summary>
    /// Every sample — between them most rules, with related locations and witnesses, and the
    /// region analysis that uses the netstandard2.0 stand-ins (PriorityQueue, BitOperations…) —
    /// is reported on Mono exactly as the net10.0 compiler reports it, and every sample without
    /// errors is written byte-identical to the net10.0 compiler's C#.
    /// </summary>
    [SkippableFact]
    public void Every_sample_is_checked_and_generated_on_Mono_exactly_as_by_the_net10_0_compiler()
    {
        string mono = FindMono();

        string root = Path.Combine(feed.Root, "mono-samples");
        (string host, string tasks) = PrepareMonoHost(root);
        string policies = Path.Combine(root, "policies");
        Directory.CreateDirectory(policies);
        string[] samples = [.. Directory.EnumerateFiles(Path.Combine(DotNet.RepoRoot, "samples"), "*.owner").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        samples.Length.ShouldBeGreaterThan(5);
        foreach (string sample in samples)
        {
            File.Copy(Path.Combine(DotNet.RepoRoot, "samples", sample), Path.Combine(policies, sample));
        }

        List<JsonElement> run = RunOnMono(mono, host, tasks, policies, "out", samples);

        var expected = new List<string>();
        foreach (string sample in samples)
        {
            foreach (Diagnostic d in Net10Compilation(Path.Combine(policies, sample)).Diagnostics)
            {
                string kind = d.Severity switch { DiagnosticSeverity.Error => "error", DiagnosticSeverity.Warning => "warning", _ => "message" };
                expected.Add(Event(kind, d.Id, d.Location, kind == "message" ? null : PageInTaskFolder(tasks, d.Id), d.Message));
                expected.AddRange(d.Related.Select(r => Event("message", d.Id, r.Location, null, $"related location: {r.Message}")));
            }
        }

        expected.Count.ShouldBeGreaterThan(20);
        run.Where(e => e.GetProperty("kind").GetString() is "error" or "warning" or "message").Select(e => JsonSerializer.Serialize(e, Relaxed)).ShouldBe(expected);
        foreach (string sample in samples)
        {
            string path = Path.Combine(policies, sample);
            bool clean = !Net10Compilation(path).HasErrors;
            Output(run, sample).ShouldBe(clean, sample);
            if (clean)
            {
                File.ReadAllText(Path.Combine(root, "out", Path.ChangeExtension(sample, ".g.cs"))).ShouldBe(Net10Source(path), $"{sample}: the C# differs from the net10.0 compiler's");
            }
        }
    }

    /// <summary>Mono; where it is missing the test is skipped (it fails under CI, whose .ci/run installs Debian's mono-devel).</summary>
    private static string FindMono() => AccountabilityDsl.Testing.RequiredTool.Find("mono", "mono-devel");

    /// <summary>
    /// Builds the .NET Framework host into <paramref name="root"/>/host and extracts the packed
    /// package's netstandard2.0 task folder into <paramref name="root"/>/tasks.
    /// </summary>
    private (string Host, string Tasks) PrepareMonoHost(string root)
    {
        string host = Path.Combine(root, "host");
        ProcessResult built = DotNet.Run(DotNet.RepoRoot, null, "build", Path.Combine(DotNet.RepoRoot, "tests", FrameworkHost, FrameworkHost + ".csproj"),
            "-c", DotNet.Configuration, "-o", host, "-nr:false");
        built.ExitCode.ShouldBe(0, built.ToString());
        string tasks = Path.Combine(root, "tasks");
        using (ZipArchive package = ZipFile.OpenRead(feed.BuildPackage))
        {
            foreach (ZipArchiveEntry entry in package.Entries.Where(e => e.FullName.StartsWith(NetStandardTaskFolder, StringComparison.Ordinal) && e.Name.Length > 0))
            {
                // As NuGet extracts it: the rule pages keep their docs/rules/ folder.
                string file = Path.Combine(tasks, entry.FullName[NetStandardTaskFolder.Length..]);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                entry.ExtractToFile(file);
            }
        }

        return (host, tasks);
    }

    /// <summary>The help link the task gives: the rule's page shipped in its own folder, which must exist.</summary>
    private static string PageInTaskFolder(string tasks, string id)
    {
        string page = Path.Combine(tasks, "docs", "rules", id + ".md");
        File.ReadAllText(page).ShouldBe(File.ReadAllText(Path.Combine(DotNet.RepoRoot, "docs", "rules", id + ".md")));
        return new Uri(page).AbsoluteUri;
    }

    private const string FrameworkHost = "AccountabilityDsl.Build.Tests.FrameworkHost";

    /// <summary>
    /// Runs the host under Mono in the policies' folder (MSBuild's current directory is the
    /// project's), with relative policy paths as items have them and what a console app passes
    /// for NoWarn and WarningsAsErrors; the generated files go to <paramref name="output"/>.
    /// </summary>
    private static List<JsonElement> RunOnMono(string mono, string host, string tasks, string policies, string output, params string[] policyFiles)
    {
        string outputFolder = Path.Combine(Path.GetDirectoryName(policies)!, output);
        ProcessResult run = DotNet.RunProgram(mono, policies, null,
        [
            Path.Combine(host, FrameworkHost + ".exe"), tasks, "-p:NoWarn=1701;1702", "-p:WarningsAsErrors=;NU1605",
            .. policyFiles.SelectMany(p => new[] { p, Path.Combine(outputFolder, Path.ChangeExtension(p, ".g.cs")) }),
        ]);
        run.ExitCode.ShouldBe(0, run.ToString());
        return [.. run.Output.Split('\n').Where(line => line.StartsWith('{')).Select(line => JsonDocument.Parse(line).RootElement)];
    }

    /// <summary>An event as the host's engine records it (RecordingBuildEngine).</summary>
    private static string Event(string kind, string code, Location at, string? helpLink, string message) => JsonSerializer.Serialize(new
    {
        kind, code, file = at.FilePath, line = at.LineSpan.Start.Line, column = at.LineSpan.Start.Column, endLine = at.LineSpan.End.Line,
        endColumn = at.LineSpan.End.Column, helpKeyword = code, helpLink, message,
    }, Relaxed);

    /// <summary>Both sides of a comparison of events written the same way.</summary>
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static bool Output(List<JsonElement> run, string policy) =>
        run.Single(e => e.GetProperty("kind").GetString() == "output" && e.GetProperty("policy").GetString() == policy).GetProperty("written").GetBoolean();

    private static string? LoadedFrom(List<JsonElement> run, string assembly) =>
        Path.GetDirectoryName(run.Single(e => e.GetProperty("kind").GetString() == "assembly" && e.GetProperty("name").GetString() == assembly).GetProperty("location").GetString());

    private static PolicyCompilation Net10Compilation(string path) => PolicyCompilation.Create(SourceText.FromFile(path), new EditorConfigSeverities().ForFile(path));

    /// <summary>The C# that the tests' own net10.0 compiler (Roslyn 5) emits for a policy file.</summary>
    private static string Net10Source(string path) => CSharpEmitter.Emit(Net10Compilation(path)).Source;

    [Fact]
    public void The_netstandard2_0_task_folder_is_a_complete_closure_for_a_NET_Framework_host()
    {
        var assemblies = new Dictionary<string, (Version Version, List<(string Name, Version Version)> References, string? TargetFramework)>(StringComparer.OrdinalIgnoreCase);
        using (ZipArchive package = ZipFile.OpenRead(feed.BuildPackage))
        {
            foreach (ZipArchiveEntry entry in package.Entries.Where(e => e.FullName.StartsWith(NetStandardTaskFolder, StringComparison.Ordinal) && e.Name.EndsWith(".dll", StringComparison.Ordinal)))
            {
                using var image = new MemoryStream();
                using (Stream stream = entry.Open())
                {
                    stream.CopyTo(image);
                }

                image.Position = 0;
                using var pe = new PEReader(image);
                MetadataReader metadata = pe.GetMetadataReader();
                AssemblyDefinition definition = metadata.GetAssemblyDefinition();
                metadata.GetString(definition.Name).ShouldBe(Path.GetFileNameWithoutExtension(entry.Name));
                var references = metadata.AssemblyReferences.Select(metadata.GetAssemblyReference)
                    .Select(r => (metadata.GetString(r.Name), r.Version)).ToList();
                assemblies.Add(metadata.GetString(definition.Name), (definition.Version, references, TargetFrameworkOf(metadata)));
            }
        }

        assemblies.ShouldContainKey("AccountabilityDsl.Build");
        assemblies["AccountabilityDsl.Build"].TargetFramework.ShouldBe(".NETStandard,Version=v2.0");
        assemblies["AccountabilityDsl"].TargetFramework.ShouldBe(".NETStandard,Version=v2.0");

        var missing = new List<string>();
        foreach ((string name, (Version _, List<(string Name, Version Version)> references, string? _)) in assemblies)
        {
            foreach ((string reference, Version version) in references)
            {
                if (FrameworkAssemblies.Contains(reference) || reference.StartsWith("Microsoft.Build", StringComparison.Ordinal))
                {
                    continue;
                }

                if (!assemblies.TryGetValue(reference, out var shipped))
                {
                    missing.Add($"{name} references {reference} {version}, which is not in {NetStandardTaskFolder}");
                }
                else if (shipped.Version < version)
                {
                    missing.Add($"{name} references {reference} {version}, {NetStandardTaskFolder} has {shipped.Version}");
                }
            }
        }

        missing.ShouldBeEmpty();
    }

    private static string? TargetFrameworkOf(MetadataReader metadata)
    {
        foreach (CustomAttribute attribute in metadata.GetAssemblyDefinition().GetCustomAttributes().Select(metadata.GetCustomAttribute))
        {
            if (attribute.Constructor.Kind == HandleKind.MemberReference
                && metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent is { Kind: HandleKind.TypeReference } parent
                && metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)parent).Name) == "TargetFrameworkAttribute")
            {
                // The blob: prolog 0x0001, then the constructor's one string argument.
                BlobReader value = metadata.GetBlobReader(attribute.Value);
                value.ReadUInt16();
                return value.ReadSerializedString();
            }
        }

        return null;
    }
}
