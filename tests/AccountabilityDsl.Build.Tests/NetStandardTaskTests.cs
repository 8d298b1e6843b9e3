using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using AccountabilityDsl.Build.Tests.Infrastructure;
using AccountabilityDsl.Configuration;
using AccountabilityDsl.Emit;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Build.Tests;

/// <summary>
/// The netstandard2.0 build of the task, the one .NET Framework MSBuild (Visual Studio) loads:
/// run by <c>dotnet build</c> through the <c>AccountabilityDslTaskFramework</c> switch, and its
/// task folder checked to be a complete closure for a .NET Framework host.
/// </summary>
[Collection(nameof(PackedFeedCollection))]
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
        failed.Output.ShouldContain($"{Path.Combine(app.Directory, "conflict.owner")}(9,1,9,43): error OWN0102: Sales and Marketing (lines 8, 9) all claim Retail at Active", Case.Sensitive, failed.ToString());
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
            string path = Path.Combine(app.Directory, policy);
            PolicyCompilation compilation = PolicyCompilation.Create(SourceText.FromFile(path), new EditorConfigSeverities().ForFile(path));
            File.ReadAllText(app.Generated(generated)).ShouldBe(CSharpEmitter.Emit(compilation).Source, $"{generated} differs from the net10.0 compiler's");
        }
    }

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
