// OWL 2 DL profile check with the OWL API (Debian's libowlapi-java).
// Usage: java -cp <owlapi classpath> ProfileCheck.java FILE...
// Loads every file (Turtle or RDF/XML) into one ontology, runs OWL2DLProfile and prints each violation on a line
// of its own as "VIOLATION <type>: <text>", then "VIOLATIONS <n>". Imports are not followed (no network).
import java.io.File;
import java.util.List;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.model.parameters.Imports;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class ProfileCheck {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntologyLoaderConfiguration config = new OWLOntologyLoaderConfiguration()
            .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT)
            .setStrict(false);
        OWLOntology merged = manager.createOntology();
        for (String path : args) {
            OWLOntology part = manager.loadOntologyFromOntologyDocument(new FileDocumentSource(new File(path)), config);
            manager.addAxioms(merged, part.axioms(Imports.EXCLUDED));
            System.out.println("LOADED " + path + " axioms=" + part.getAxiomCount());
        }
        OWLProfileReport report = new OWL2DLProfile().checkOntology(merged);
        List<OWLProfileViolation> violations = report.getViolations();
        for (OWLProfileViolation v : violations) {
            System.out.println("VIOLATION " + v.getClass().getSimpleName() + ": " + v.toString().replace('\n', ' '));
        }
        System.out.println("VIOLATIONS " + violations.size());
    }
}
