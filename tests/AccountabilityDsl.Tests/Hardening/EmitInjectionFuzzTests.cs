using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Xml.Linq;
using AccountabilityDsl.Emit;
using AccountabilityDsl.Runtime;
using AccountabilityDsl.Syntax.Grammar;
using AccountabilityDsl.Tests.Infrastructure;
using CsCheck;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AccountabilityDsl.Tests.Hardening;

/// <summary>
/// Fuzzes the C# emitter with policies whose every piece of text that reaches the generated code
/// is hostile: names (C# keywords and contextual keywords, the generated class's own member and
/// type names, <c>value__</c>, <c>_</c>, names differing only by case, names of 300–1,000
/// characters), doc strings of segments and owners, the file name and the namespace (the policy's,
/// or an <see cref="EmitOptions.NamespaceOverride"/>), built from payloads that try to leave a
/// C# string, comment, XML documentation comment or identifier (<c>"); System.Environment.Exit(1); //</c>,
/// <c>*/ class X {} /*</c>, <c>&lt;/summary&gt;&lt;script&gt;</c>, U+2028, CR LF followed by
/// <c>//</c>, escaped quotes and backslashes, lone surrogates, <c>#error</c>, <c>#if</c>, …).
/// Every policy has the same shape (3 segments, 2 stages, 2 owners, 2 channels, an offer, an
/// enum and an int attribute), so the reflection surface of its class must equal that of the same
/// policy with plain names, member for member. For each policy: the generated code compiles with
/// no warning (nullable on, warning level 9999, documentation comments diagnosed); the assembly
/// declares exactly the expected public types, nested types, members and enum members; <c>NameOf</c>,
/// <c>PolicyName</c> and <c>SourceFile</c> return the names as written; and every doc string comes
/// back out of the compiled XML documentation as written, up to the documented normalisation
/// (line breaks split lines, control and bidirectional characters become U+FFFD, tabs spaces).
/// Budget: 30 Roslyn compilations of 4 policies each (120 policies, about 20 s on the 2-core CI
/// machine); <c>OWNER_FUZZ_ITERATIONS</c> sets the number of compilations for a longer local run.
/// </summary>
[Trait("Category", "Slow")]
public sealed class EmitInjectionFuzzTests
{
    private const int PoliciesPerCompilation = 4;

    /// <summary>Every reserved word of the language, read from the lexer so that new keywords are never generated as names.</summary>
    private static readonly string[] DslKeywords =
    [
        .. Enumerable.Range(OwnerLexer.POLICY, OwnerLexer.YEARS - OwnerLexer.POLICY + 1)
            .Select(type => OwnerLexer.DefaultVocabulary.GetLiteralName(type).Trim('\'')),
    ];

    /// <summary>Names that are C# keywords, contextual keywords, or names the generated code itself uses.</summary>
    private static readonly string[] HostileNames =
    [
        .. SyntaxFacts.GetKeywordKinds().Concat(SyntaxFacts.GetContextualKeywordKinds()).Select(SyntaxFacts.GetText)
            .Where(IsDslIdentifier).Except(DslKeywords).Distinct().Order(StringComparer.Ordinal),
        .. GeneratedNamesOfTheClass(),
        "value__", "_", "__", "___", "System", "global", "AccountabilityDsl", "Runtime", "Generic", "Nullable", "ReadOnlySpan", "Value", "Value2",
        "EqualityContract", "Deconstruct", "PrintMembers", "Clone", "Item", "cell", "owners", "segment_", "Segment_", "SEGMENT", "x__y", "T",
    ];

    private static readonly string[] Payloads =
    [
        "\"); System.Environment.Exit(1); //", "*/ class X {} /*", "</summary><script>", "</remarks>", "<summary>", "\u2028", "\u2029", "\u0085",
        "// ", "\\\"", "\\\\", "\\", "\"", "\uD800", "\uDC00", "\uDBFF", "#error boom", "#if X", "#endif", "#region", "<![CDATA[", "]]>", "&amp;",
        "&#x41;", "&lt;", "<see cref=\"System.Environment\"/>", "<!--", "-->", "{", "}", "{{", "\u202E", "\u2066", "\u200F", "\uFEFF", "\u0001",
        "\u001B[31m", "\u007F", "\t", "🙂", "𝄞", "ü", "\u200B", "\u00A0", "'", "`", "$\"{x}\"", "@\"", "\"\"\"", "/// <summary>", "///", "/*", "*/",
    ];

    private static readonly string[] FilePayloads = [.. Payloads, "\r\n// ", "\r", "\n", "\r\n#error x\r\n", "*/", "\0"];

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    /// <summary>The reflection surface of the same shape of policy with plain names: what every fuzzed policy must declare.</summary>
    private static readonly Lazy<Surface> Expected = new(() =>
    {
        var plain = Shape.Plain();
        (Assembly assembly, _, AssemblyLoadContext context) = CompileAll([plain]);
        try
        {
            return Surface.Of(assembly.GetType(plain.FullClassName, throwOnError: true)!, plain);
        }
        finally
        {
            context.Unload();
        }
    });

    private static int Compilations => FuzzBudget.Iterations(30);

    [Fact]
    public void Hostile_text_never_becomes_code_and_every_name_and_doc_string_round_trips() =>
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            List<Shape> batch = [];
            while (batch.Count < PoliciesPerCompilation)
            {
                Shape shape = Shape.Random(random);
                if (batch.All(b => b.FullClassName != shape.FullClassName))
                {
                    batch.Add(shape);
                }
            }

            (Assembly assembly, XDocument docs, AssemblyLoadContext context) = CompileAll(batch);
            try
            {
                // No extra type anywhere: the public types are exactly the policy classes.
                assembly.GetTypes().Where(t => t.IsPublic).Select(t => t.FullName).Order(StringComparer.Ordinal)
                    .ShouldBe(batch.Select(b => b.FullClassName).Order(StringComparer.Ordinal), Describe(batch));
                assembly.GetTypes().Where(t => !t.IsPublic && !t.IsNested).Select(t => t.FullName!)
                    .Where(n => !n.StartsWith('<') && !n.StartsWith("System.Runtime.CompilerServices.", StringComparison.Ordinal) && !n.StartsWith("Microsoft.CodeAnalysis.", StringComparison.Ordinal))
                    .ShouldBeEmpty(Describe(batch));

                foreach (Shape shape in batch)
                {
                    Type policy = assembly.GetType(shape.FullClassName, throwOnError: true)!;
                    Surface.Of(policy, shape).ShouldBe(Expected.Value, shape.Describe());
                    CheckNames(policy, shape);
                    CheckDocs(docs, shape);
                }
            }
            finally
            {
                context.Unload();
            }
        }, iter: Compilations, threads: 1);

    private static void CheckNames(Type policy, Shape shape)
    {
        ((string)policy.GetField("PolicyName")!.GetRawConstantValue()!).ShouldBe(shape.PolicyName);
        ((string)policy.GetField("SourceFile")!.GetRawConstantValue()!).ShouldBe(shape.FileName, shape.Describe());
        foreach ((string kind, string[] names) in shape.Kinds)
        {
            Type type = policy.GetNestedType(kind)!;
            string[] expectedMembers = [.. ExpectedMembers(names, kind)];
            EnumFields(type).ShouldBe(expectedMembers, $"{kind}\n{shape.Describe()}");
            MethodInfo nameOf = policy.GetMethod("NameOf", [type])!;
            names.Select((_, i) => (string)nameOf.Invoke(null, [Enum.ToObject(type, i)])!).ShouldBe(names, shape.Describe());
        }

        Type attributeEnum = policy.GetNestedType(shape.EnumTypeName)
            ?? throw new ShouldAssertException($"no nested enum {shape.EnumTypeName}\n{shape.Describe()}");
        EnumFields(attributeEnum).ShouldBe([.. ExpectedMembers(shape.Members, shape.EnumTypeName)], shape.Describe());
        policy.GetNestedType("Customer")!.GetProperties().Select(p => p.Name).Order(StringComparer.Ordinal)
            .ShouldBe(new[] { "AssignedSegment", shape.EnumPropertyName, shape.IntPropertyName }.Order(StringComparer.Ordinal), shape.Describe());
    }

    private static void CheckDocs(XDocument docs, Shape shape)
    {
        string prefix = shape.FullClassName;
        Summary(docs, $"T:{prefix}").ShouldBe(Normalised($"The accountability and contact policy {shape.PolicyName}, compiled from {shape.FileName}."), shape.Describe());
        string[] segments = [.. ExpectedMembers(shape.Segments, "Segment")];
        string[] owners = [.. ExpectedMembers(shape.Owners, "Owner")];
        for (int i = 0; i < segments.Length; i++)
        {
            Summary(docs, $"F:{prefix}.Segment.{segments[i]}").ShouldBe(Normalised(shape.SegmentDocs[i]), shape.Describe());
        }

        for (int i = 0; i < owners.Length; i++)
        {
            Summary(docs, $"F:{prefix}.Owner.{owners[i]}").ShouldBe(Normalised(shape.OwnerDocs[i]), shape.Describe());
        }
    }

    /// <summary>The summary's text lines, trimmed, without leading or trailing empty lines.</summary>
    private static string[] Summary(XDocument docs, string id)
    {
        XElement member = docs.Descendants("member").SingleOrDefault(m => (string?)m.Attribute("name") == id)
            ?? throw new ShouldAssertException($"no documentation for {id}");
        return TrimLines(member.Element("summary")!.Value.Split('\n'));
    }

    /// <summary>
    /// The documented normalisation of a doc string (docs/generated-code.md): each line break C#
    /// knows starts a new line; control, bidirectional-override and unpaired surrogate
    /// characters become U+FFFD; tabs become spaces; white space at the end of a line is dropped.
    /// Nothing else changes.
    /// </summary>
    private static string[] Normalised(string text)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                lines.Add(line.ToString());
                line.Clear();
            }
            else if (c == '\t')
            {
                line.Append(' ');
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                line.Append(c).Append(text[++i]);
            }
            else if (char.IsControl(c) || char.IsSurrogate(c) || c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F' or '\uFEFF')
            {
                line.Append('\uFFFD');
            }
            else
            {
                line.Append(c);
            }
        }

        lines.Add(line.ToString());
        return TrimLines(lines);
    }

    private static string[] TrimLines(IEnumerable<string> lines)
    {
        // Leading: XML white space only (U+00A0 and friends are text); trailing: all white space,
        // which the emitter drops at the end of each comment line.
        List<string> trimmed = [.. lines.Select(l => l.Trim(' ', '\t', '\r', '\n').TrimEnd())];
        while (trimmed.Count > 0 && trimmed[0].Length == 0)
        {
            trimmed.RemoveAt(0);
        }

        while (trimmed.Count > 0 && trimmed[^1].Length == 0)
        {
            trimmed.RemoveAt(trimmed.Count - 1);
        }

        return [.. trimmed];
    }

    private static string[] EnumFields(Type type) =>
        [.. type.GetFields(BindingFlags.Public | BindingFlags.Static).OrderBy(f => Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)).Select(f => f.Name)];

    /// <summary>The documented renaming of enum members: long names shortened, <c>_</c> appended to a name equal to its enum's or <c>value__</c>, until unique.</summary>
    private static IEnumerable<string> ExpectedMembers(IReadOnlyList<string> names, string enumName)
    {
        // Names over 200 bytes are first shortened to 180 and a hash (CSharpText.Shorten).
        string[] shortened = [.. names.Select(CSharpText.Shorten)];
        var taken = new HashSet<string>(shortened, StringComparer.Ordinal);
        foreach (string name in shortened)
        {
            string member = name;
            while (member == enumName || member == "value__" || (member != name && !taken.Add(member)))
            {
                member += "_";
            }

            yield return member;
        }
    }

    private static (Assembly Assembly, XDocument Docs, AssemblyLoadContext Context) CompileAll(IReadOnlyList<Shape> shapes)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Diagnose);
        var trees = new List<SyntaxTree>();
        foreach (Shape shape in shapes)
        {
            PolicyCompilation compilation = PolicyCompilation.Create(AccountabilityDsl.Text.SourceText.From(shape.Text, "/tmp/" + shape.FileName));
            compilation.HasErrors.ShouldBeFalse(Baseline.Render(compilation.Diagnostics) + "\n" + shape.Describe());
            EmitResult result = CSharpEmitter.Emit(compilation, new EmitOptions(shape.NamespaceOverride));
            result.Success.ShouldBeTrue();
            trees.Add(CSharpSyntaxTree.ParseText(result.Source, options, path: $"Generated{trees.Count}.g.cs"));
        }

        CSharpCompilation csharp = CSharpCompilation.Create(
            "Fuzzed" + Guid.NewGuid().ToString("N"),
            trees,
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999, deterministic: true));
        using var stream = new MemoryStream();
        using var xml = new MemoryStream();
        var emitted = csharp.Emit(stream, xmlDocumentationStream: xml);
        var problems = emitted.Diagnostics.Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).ToList();
        problems.ShouldBeEmpty(string.Join("\n", problems.Take(5)) + "\n" + Describe(shapes));
        emitted.Success.ShouldBeTrue();
        stream.Position = 0;
        xml.Position = 0;
        var context = new AssemblyLoadContext("fuzzed-policies", isCollectible: true);
        return (context.LoadFromStream(stream), XDocument.Load(xml), context);
    }

    private static string Describe(IEnumerable<Shape> shapes) => string.Join("\n----\n", shapes.Select(s => s.Describe()));

    private static bool IsDslIdentifier(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static IEnumerable<string> GeneratedNamesOfTheClass() =>
    [
        "Segment", "Stage", "Owner", "Channel", "Offer", "Customer", "PolicyName", "SourceFile", "SegmentCount", "IsIn", "SegmentsOf",
        "AccountableFor", "AccountableOwner", "ContactPolicy", "IsApproved", "Targets", "CreateGate", "CreateRequest", "RankOffers", "NameOf",
        "DefinitionOf", "AccountableTable", "SegmentNames", "SingleOwner", "NoOwners", "Approves", "IsInAnySegment", "CheckRange", "Equals",
        "GetHashCode", "ToString", "GetType", "MemberwiseClone", "Finalize", "ReferenceEquals", "AssignedSegment",
    ];

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        string tpa = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return [.. tpa.Split(Path.PathSeparator)
            .Where(p => string.Equals(Path.GetDirectoryName(p), frameworkDirectory, StringComparison.Ordinal))
            .Append(typeof(ContactGate).Assembly.Location)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }

    /// <summary>One policy of the fixed shape, with its names, doc strings, file name and namespace.</summary>
    private sealed record Shape(
        string PolicyName, string[] NamespaceParts, string? NamespaceOverride, string FileName,
        string EnumAttribute, string[] Members, string IntAttribute,
        string[] Segments, string[] SegmentDocs, string[] Stages, string[] Owners, string[] OwnerDocs, string[] Channels, string[] Offers)
    {
        public string Namespace => CSharpText.ShortenNamespace(NamespaceOverride ?? (NamespaceParts.Length > 0 ? string.Join('.', NamespaceParts) : CSharpEmitter.DefaultNamespace));

        public string ClassName => CSharpText.Shorten(PolicyName) + "Policy";

        public string FullClassName => Namespace + "." + ClassName;

        public (string Kind, string[] Names)[] Kinds => [("Segment", Segments), ("Stage", Stages), ("Owner", Owners), ("Channel", Channels), ("Offer", Offers)];

        /// <summary>The documented naming: PascalCase, then <c>Value</c>, <c>Value2</c>, … while taken by the class's own names.</summary>
        public string EnumTypeName => Unique(CSharpText.Shorten(PascalCase(EnumAttribute)), [.. GeneratedNamesWithoutCustomerMembers(), ClassName]);

        public string EnumPropertyName => Unique(CSharpText.Shorten(PascalCase(EnumAttribute)), CustomerMembers);

        public string IntPropertyName => Unique(CSharpText.Shorten(PascalCase(IntAttribute)), [.. CustomerMembers, EnumPropertyName]);

        private static readonly string[] CustomerMembers =
            ["Customer", "AssignedSegment", "EqualityContract", "Equals", "GetHashCode", "ToString", "PrintMembers", "Deconstruct", "GetType", "MemberwiseClone", "Finalize", "ReferenceEquals", "Clone"];

        public string Text => $$"""
            policy {{PolicyName}}{{(NamespaceParts.Length > 0 ? " namespace " + string.Join('.', NamespaceParts) : "")}}
            attribute {{EnumAttribute}}: enum { {{string.Join(", ", Members)}} }
            attribute {{IntAttribute}}: int
            segment {{Segments[0]}} "{{Quote(SegmentDocs[0])}}" where {{EnumAttribute}} == {{Members[0]}}
            segment {{Segments[1]}} "{{Quote(SegmentDocs[1])}}" where {{EnumAttribute}} != {{Members[0]}} and {{IntAttribute}} >= 3
            segment {{Segments[2]}} "{{Quote(SegmentDocs[2])}}"
            stages {{Stages[0]}} -> {{Stages[1]}}
            owner {{Owners[0]}} "{{Quote(OwnerDocs[0])}}"
            owner {{Owners[1]}} "{{Quote(OwnerDocs[1])}}"
            channel {{Channels[0]}}
            channel {{Channels[1]}}
            accountable {{Owners[0]}} for * at *
            offer {{Offers[0]}} by {{Owners[0]}} to {{Segments[0]}}, {{Segments[2]}} at {{Stages[1]}} via {{Channels[0]}}, {{Channels[1]}} approved by {{Owners[1]}} priority 2
            limit {{Offers[0]}} per customer: at most 2 per 1 week

            """;

        public string Describe()
        {
            string Show(string s) => string.Concat(s.Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:X4}" : c.ToString()));
            return $"file: {Show(FileName)}\nnamespace override: {(NamespaceOverride is null ? "none" : Show(NamespaceOverride))}\n{Show(Text).Replace("\\u000A", "\n", StringComparison.Ordinal)}";
        }

        public static Shape Plain() => new(
            "Plain", ["Plain", "Policies"], null, "plain.owner", "region", ["North", "South", "East"], "tenure",
            ["S0", "S1", "S2"], ["d0", "d1", "d2"], ["T0", "T1"], ["O0", "O1"], ["o0", "o1"], ["C0", "C1"], ["F0"]);

        public static Shape Random(Random random)
        {
            // Names are unique across the whole policy (ordinal), so only case may tell two apart.
            var used = new HashSet<string>(DslKeywords, StringComparer.Ordinal);
            string[] Names(int count) => [.. Enumerable.Range(0, count).Select(_ => Name(random, used))];
            string[] ns = random.Next(3) == 0 ? [] : Names(random.Next(1, 4));
            string? nsOverride = random.Next(3) == 0 ? string.Join('.', Enumerable.Range(0, random.Next(1, 4)).Select(_ => Name(random, [.. DslKeywords]))) : null;
            string[] members = Names(3);
            return new Shape(
                Name(random, used), ns, nsOverride, RandomFileName(random),
                Name(random, used), members, Name(random, used),
                Names(3), [.. Enumerable.Range(0, 3).Select(_ => Doc(random))], Names(2), Names(2), [.. Enumerable.Range(0, 2).Select(_ => Doc(random))], Names(2), Names(1));
        }

        private static string Name(Random random, HashSet<string> used, int maxLength = 1000)
        {
            while (true)
            {
                string name = random.Next(10) switch
                {
                    < 5 => HostileNames[random.Next(HostileNames.Length)],
                    5 when used.Count > DslKeywords.Length => SwapCase(used.Except(DslKeywords).ElementAt(random.Next(used.Count - DslKeywords.Length))),
                    6 when maxLength >= 300 => RandomIdentifier(random, random.Next(300, maxLength + 1)),
                    _ => RandomIdentifier(random, random.Next(1, 12)),
                };
                if (name.Length <= maxLength && IsDslIdentifier(name) && used.Add(name))
                {
                    return name;
                }
            }
        }

        private static string SwapCase(string name) => string.Concat(name.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)));

        private static string RandomIdentifier(Random random, int length)
        {
            const string First = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
            const string Rest = First + "0123456789";
            var text = new StringBuilder(length);
            text.Append(First[random.Next(First.Length)]);
            while (text.Length < length)
            {
                text.Append(Rest[random.Next(Rest.Length)]);
            }

            return text.ToString();
        }

        private static string Doc(Random random)
        {
            var text = new StringBuilder();
            for (int i = random.Next(1, 8); i > 0; i--)
            {
                text.Append(random.Next(4) == 0 ? ((char)random.Next(0x20, 0xFFFF)).ToString() : Payloads[random.Next(Payloads.Length)]);
                if (random.Next(3) == 0)
                {
                    text.Append(' ');
                }
            }

            // A policy string cannot hold a raw line feed or carriage return (the lexer ends it there).
            return text.Replace("\r", "").Replace("\n", "").ToString();
        }

        private static string RandomFileName(Random random)
        {
            var text = new StringBuilder();
            for (int i = random.Next(1, 6); i > 0; i--)
            {
                text.Append(FilePayloads[random.Next(FilePayloads.Length)]);
            }

            // The file name is what follows the last directory separator.
            return text.Replace("/", "").Append(".owner").ToString();
        }

        /// <summary>The doc string as a policy string literal's content: only <c>\"</c> and <c>\\</c> are escapes.</summary>
        private static string Quote(string doc) => doc.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

        private static string PascalCase(string name)
        {
            var text = new StringBuilder(name.Length);
            bool upper = true;
            foreach (char c in name)
            {
                if (c == '_')
                {
                    upper = true;
                    continue;
                }

                text.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }

            if (text.Length == 0 || !SyntaxFacts.IsIdentifierStartCharacter(text[0]))
            {
                text.Insert(0, "Value");
            }

            return text.ToString();
        }

        private static string Unique(string name, IEnumerable<string> taken)
        {
            var set = new HashSet<string>(taken, StringComparer.Ordinal);
            string candidate = set.Contains(name) ? name + "Value" : name;
            for (int n = 2; set.Contains(candidate); n++)
            {
                candidate = name + "Value" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return candidate;
        }

        private static IEnumerable<string> GeneratedNamesWithoutCustomerMembers() =>
        [
            "Segment", "Stage", "Owner", "Channel", "Offer", "Customer",
            "PolicyName", "SourceFile", "SegmentCount", "StageCount", "OwnerCount", "ChannelCount", "OfferCount",
            "IsIn", "SegmentsOf", "AccountableFor", "AccountableOwner", "ContactPolicy", "IsApproved", "Targets",
            "CreateGate", "CreateRequest", "RankOffers", "NameOf", "DefinitionOf",
            "AccountableTable", "SegmentNames", "StageNames", "OwnerNames", "ChannelNames", "OfferNames",
            "SingleOwner", "NoOwners", "Approves", "IsInAnySegment", "CheckRange",
            "Equals", "GetHashCode", "ToString", "GetType", "MemberwiseClone", "Finalize", "ReferenceEquals",
        ];
    }

    /// <summary>
    /// Everything a policy class declares, with the names that come from the policy replaced by
    /// their role (<c>#segment0</c>, <c>#enum</c>, <c>#prop1</c>), so that any two policies of the
    /// same shape have equal surfaces — and an injected type, method or field shows up as a difference.
    /// </summary>
    private sealed record Surface(string Members)
    {
        public static Surface Of(Type policy, Shape shape)
        {
            var properties = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [shape.EnumPropertyName] = "#prop0",
                [shape.IntPropertyName] = "#prop1",
            };
            var text = new StringBuilder();
            new Describer(policy, shape.EnumTypeName, properties, text).Describe(policy, "");
            return new Surface(text.ToString());
        }

        private sealed record Describer(Type Policy, string EnumTypeName, Dictionary<string, string> Properties, StringBuilder Text)
        {
            private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;

            public void Describe(Type type, string indent)
            {
                Text.Append(indent).Append(type.IsEnum ? "enum " : type.IsValueType ? "struct " : "class ").Append(TypeName(type))
                    .Append(" : ").Append(type.BaseType is null ? "" : TypeName(type.BaseType)).Append(' ').Append(type.Attributes).Append('\n');
                if (type.IsEnum)
                {
                    Text.Append(indent).Append("  ").Append(Enum.GetUnderlyingType(type)).Append(" x").Append(type.GetFields(BindingFlags.Public | BindingFlags.Static).Length).Append('\n');
                    return;
                }

                bool customer = type.Name == "Customer" && type.DeclaringType == Policy;
                string Role(string name) => customer ? PropertyRole(name) : name;
                var lines = new List<string>();
                foreach (MemberInfo member in type.GetMembers(All))
                {
                    lines.Add(member switch
                    {
                        MethodBase m => $"{m.MemberType} {m.Attributes} {Role(m.Name)}({string.Join(", ", m.GetParameters().Select(p => TypeName(p.ParameterType)))})"
                            + (m is MethodInfo mi ? " : " + TypeName(mi.ReturnType) : ""),
                        FieldInfo f => $"Field {f.Attributes} {Role(f.Name)} : {TypeName(f.FieldType)}",
                        PropertyInfo p => $"Property {Role(p.Name)} : {TypeName(p.PropertyType)}",
                        Type t => $"Nested {TypeName(t)}",
                        _ => $"{member.MemberType} {Role(member.Name)}",
                    });
                }

                lines.Sort(StringComparer.Ordinal);
                foreach (string line in lines)
                {
                    Text.Append(indent).Append("  ").Append(line).Append('\n');
                }

                foreach (Type nested in type.GetNestedTypes(All).OrderBy(TypeName, StringComparer.Ordinal))
                {
                    Describe(nested, indent + "  ");
                }
            }

            private string TypeName(Type type) =>
                type == Policy ? "#class"
                : type.DeclaringType == Policy && type.Name == EnumTypeName ? "#enum"
                : type.IsGenericType ? $"{type.Name}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>"
                : type.IsArray ? TypeName(type.GetElementType()!) + "[]"
                : type.IsByRef ? TypeName(type.GetElementType()!) + "&"
                : type.Name;

            /// <summary>A customer member name with property names replaced, also inside accessor and backing-field names.</summary>
            private string PropertyRole(string name)
            {
                if (Properties.TryGetValue(name, out string? role))
                {
                    return role;
                }

                foreach (string prefix in new[] { "get_", "set_", "<" })
                {
                    if (name.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        string rest = name[prefix.Length..];
                        int end = prefix == "<" ? rest.IndexOf('>', StringComparison.Ordinal) : rest.Length;
                        if (end > 0 && Properties.TryGetValue(rest[..end], out role))
                        {
                            return prefix + role + rest[end..];
                        }
                    }
                }

                return name;
            }
        }
    }
}
