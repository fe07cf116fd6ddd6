"""Drug classes and drugs, written by the MedAssist project.

CLASSES: key -> (class name as clinicians write it, plain words for the class, short "what it is for").
DRUGS: lines ``generic | class key | brand names separated by ;``. A drug's plain words are made from its
class ("a medicine for blood pressure"); brand names point to the generic name.
"""

CLASSES = {
    "ace": ("ACE inhibitor", "a medicine that relaxes blood vessels to lower blood pressure and protect the heart and kidneys", "a medicine for blood pressure and the heart"),
    "arb": ("angiotensin receptor blocker", "a medicine that relaxes blood vessels to lower blood pressure", "a medicine for blood pressure and the heart"),
    "bb": ("beta blocker", "a medicine that slows the heart and lowers blood pressure", "a medicine that slows the heart and lowers blood pressure"),
    "ccb": ("calcium channel blocker", "a medicine that relaxes blood vessels and lowers blood pressure", "a medicine for blood pressure"),
    "thiazide": ("thiazide diuretic", "a water pill that lowers blood pressure", "a water pill for blood pressure"),
    "loop": ("loop diuretic", "a strong water pill that removes extra fluid", "a water pill that removes extra fluid"),
    "ksparing": ("potassium-sparing diuretic", "a water pill that keeps potassium in the body", "a water pill"),
    "mra": ("mineralocorticoid receptor antagonist", "a medicine that helps the heart and removes extra fluid", "a medicine for the heart and fluid"),
    "arni": ("angiotensin receptor-neprilysin inhibitor", "a medicine that helps a weak heart pump", "a medicine for heart failure"),
    "nitrate": ("nitrate", "a medicine that opens blood vessels to ease chest pain", "a medicine for chest pain"),
    "antiarrhythmic": ("antiarrhythmic", "a medicine that keeps the heartbeat regular", "a medicine for heart rhythm"),
    "digoxin": ("cardiac glycoside", "a medicine that helps the heart pump and slows the heartbeat", "a heart medicine"),
    "alpha": ("alpha blocker", "a medicine that relaxes blood vessels or the prostate", "a medicine for blood pressure or the prostate"),
    "central": ("central alpha agonist", "a medicine that lowers blood pressure through the brain", "a medicine for blood pressure"),
    "vasodilator": ("vasodilator", "a medicine that opens blood vessels", "a medicine for blood pressure"),
    "statin": ("statin", "a medicine that lowers cholesterol", "a cholesterol medicine"),
    "lipid": ("lipid-lowering agent", "a medicine that lowers fats in the blood", "a cholesterol medicine"),
    "anticoag": ("anticoagulant", "a blood thinner that helps stop clots", "a blood thinner"),
    "antiplatelet": ("antiplatelet agent", "a medicine that keeps blood cells from sticking together and forming clots", "a medicine to prevent blood clots"),
    "metformin": ("biguanide", "a diabetes medicine that lowers blood sugar", "a diabetes medicine"),
    "su": ("sulfonylurea", "a diabetes pill that helps the body make more insulin", "a diabetes medicine"),
    "dpp4": ("DPP-4 inhibitor", "a diabetes pill that helps lower blood sugar after meals", "a diabetes medicine"),
    "sglt2": ("SGLT2 inhibitor", "a medicine that lowers blood sugar by passing sugar in the urine; it also helps the heart and kidneys", "a medicine for diabetes, the heart and kidneys"),
    "glp1": ("GLP-1 receptor agonist", "a shot or pill that lowers blood sugar and helps with weight loss", "a medicine for diabetes and weight"),
    "tzd": ("thiazolidinedione", "a diabetes pill that helps the body use insulin", "a diabetes medicine"),
    "insulin": ("insulin", "a hormone given as a shot to lower blood sugar", "insulin for blood sugar"),
    "thyroid": ("thyroid hormone", "a pill that replaces thyroid hormone", "a thyroid hormone pill"),
    "antithyroid": ("antithyroid drug", "a medicine that slows an overactive thyroid", "a thyroid medicine"),
    "ppi": ("proton pump inhibitor", "a medicine that lowers stomach acid", "a medicine for stomach acid"),
    "h2": ("H2 blocker", "a medicine that lowers stomach acid", "a medicine for stomach acid"),
    "antacid": ("antacid", "a medicine that calms stomach acid", "a medicine for heartburn"),
    "antiemetic": ("antiemetic", "a medicine that stops nausea and vomiting", "a medicine for nausea"),
    "laxative": ("laxative", "a medicine that helps you have a bowel movement", "a medicine for constipation"),
    "antidiarrheal": ("antidiarrheal", "a medicine that slows diarrhea", "a medicine for diarrhea"),
    "nsaid": ("NSAID", "a pain medicine that also lowers swelling", "a pain and swelling medicine"),
    "analgesic": ("analgesic", "a pain medicine", "a pain medicine"),
    "opioid": ("opioid", "a strong pain medicine that can cause sleepiness and be habit-forming", "a strong pain medicine"),
    "muscle": ("muscle relaxant", "a medicine that relaxes tight muscles", "a muscle relaxer"),
    "steroid": ("corticosteroid", "a steroid medicine that calms swelling and the immune system", "a steroid medicine"),
    "inhsteroid": ("inhaled corticosteroid", "a steroid you breathe in to calm the airways", "a steroid inhaler"),
    "nasalsteroid": ("nasal steroid", "a steroid spray for the nose", "a steroid nose spray"),
    "topsteroid": ("topical steroid", "a steroid cream or ointment for the skin", "a steroid cream"),
    "saba": ("short-acting bronchodilator", "a rescue inhaler that opens the airways fast", "a rescue inhaler"),
    "laba": ("long-acting bronchodilator", "an inhaler that keeps the airways open for many hours", "a daily inhaler"),
    "lama": ("long-acting anticholinergic inhaler", "an inhaler that keeps the airways open for many hours", "a daily inhaler"),
    "combo_inh": ("combination inhaler", "an inhaler with a steroid and a long-acting airway opener", "a daily inhaler"),
    "leukotriene": ("leukotriene receptor antagonist", "a pill that calms the airways in asthma and allergies", "a medicine for asthma and allergies"),
    "antihistamine": ("antihistamine", "an allergy medicine", "an allergy medicine"),
    "decongestant": ("decongestant", "a medicine that clears a stuffy nose", "a medicine for a stuffy nose"),
    "antitussive": ("cough suppressant", "a medicine that calms a cough", "a cough medicine"),
    "anesthetic": ("anesthetic", "a medicine that puts you to sleep for an operation", "a medicine used for an operation"),
    "antibiotic": ("antibiotic", "a medicine that kills bacteria (germs)", "an antibiotic to treat an infection"),
    "antiviral": ("antiviral", "a medicine that fights a virus", "a medicine that fights a virus"),
    "antiretroviral": ("antiretroviral", "a medicine that keeps HIV under control; take it every day, without missing doses", "an HIV medicine"),
    "hbv": ("hepatitis B antiviral", "a medicine that keeps the hepatitis B virus under control", "a hepatitis B medicine"),
    "hcv": ("hepatitis C antiviral", "a medicine that cures hepatitis C when taken for the whole course", "a hepatitis C medicine"),
    "antifungal": ("antifungal", "a medicine that kills fungus or yeast", "a medicine for fungus or yeast"),
    "antiparasitic": ("antiparasitic", "a medicine that kills worms or other parasites", "a medicine for parasites"),
    "ssri": ("SSRI", "a medicine for depression and anxiety", "a medicine for mood and anxiety"),
    "snri": ("SNRI", "a medicine for depression, anxiety and some nerve pain", "a medicine for mood, anxiety or nerve pain"),
    "tca": ("tricyclic antidepressant", "an older medicine for depression, also used for nerve pain and sleep", "a medicine for mood or nerve pain"),
    "antidepressant": ("antidepressant", "a medicine for depression", "a medicine for mood"),
    "antipsychotic": ("antipsychotic", "a medicine for serious mental illness or mood problems", "a medicine for mental health"),
    "moodstab": ("mood stabilizer", "a medicine that keeps moods steady", "a medicine for mood"),
    "benzo": ("benzodiazepine", "a calming medicine for anxiety or sleep that can be habit-forming", "a calming medicine"),
    "hypnotic": ("sleep medicine", "a medicine that helps you sleep", "a sleep medicine"),
    "stimulant": ("stimulant", "a medicine that helps with focus and attention", "a medicine for attention"),
    "antiepileptic": ("anticonvulsant", "a medicine that prevents seizures; some also help nerve pain or mood", "a seizure or nerve pain medicine"),
    "parkinson": ("antiparkinson agent", "a medicine for Parkinson's disease", "a medicine for Parkinson's disease"),
    "dementia": ("cholinesterase inhibitor", "a medicine that may help memory in dementia", "a memory medicine"),
    "migraine": ("triptan", "a medicine that stops a migraine headache", "a migraine medicine"),
    "gout": ("xanthine oxidase inhibitor", "a medicine that lowers uric acid to prevent gout attacks", "a gout medicine"),
    "goutacute": ("anti-gout agent", "a medicine that calms a gout attack", "a gout medicine"),
    "bisphos": ("bisphosphonate", "a medicine that makes bones stronger", "a bone medicine"),
    "dmard": ("DMARD", "a medicine that calms the immune system in arthritis and other diseases", "a medicine for the immune system"),
    "biologic": ("biologic", "a medicine made from living cells that calms part of the immune system", "a medicine for the immune system"),
    "immunosupp": ("immunosuppressant", "a medicine that lowers the immune system", "a medicine that lowers the immune system"),
    "bph": ("5-alpha reductase inhibitor", "a medicine that shrinks the prostate", "a prostate medicine"),
    "bladder": ("antimuscarinic", "a medicine that calms an overactive bladder", "a bladder medicine"),
    "ed": ("PDE5 inhibitor", "a medicine for erection problems", "a medicine for erections"),
    "contraceptive": ("hormonal contraceptive", "birth control", "birth control"),
    "hormone": ("hormone therapy", "a medicine that replaces or blocks a hormone", "a hormone medicine"),
    "vitamin": ("vitamin or supplement", "a vitamin or mineral supplement", "a vitamin or supplement"),
    "electrolyte": ("electrolyte supplement", "a mineral the body needs, like potassium", "a mineral supplement"),
    "sabasama": ("short-acting bronchodilator combination", "a medicine that opens the airways", "a medicine that opens the airways"),
    "kbinder": ("potassium binder", "a medicine that lowers a high potassium level", "a medicine for high potassium"),
    "iron": ("iron supplement", "iron to build red blood cells", "an iron pill"),
    "smoking": ("smoking cessation aid", "a medicine to help you quit smoking", "a medicine to help you quit smoking"),
    "addiction": ("addiction treatment", "a medicine that treats opioid or alcohol addiction", "a medicine for addiction"),
    "reversal": ("reversal agent", "an emergency medicine that reverses an overdose or a drug", "an emergency medicine"),
    "local": ("local anesthetic", "a numbing medicine", "a numbing medicine"),
    "eye": ("eye drop", "eye drops", "eye drops"),
    "weightloss": ("weight loss medicine", "a medicine that helps with weight loss", "a medicine for weight"),
    "chemo": ("chemotherapy", "a strong medicine that kills cancer cells", "a cancer medicine"),
    "immunotherapy": ("immunotherapy", "a medicine that helps the immune system fight cancer", "a cancer medicine"),
    "gcsf": ("growth factor", "a shot that helps the body make white blood cells after chemotherapy", "a medicine to raise white blood cells"),
    "phosbinder": ("phosphate binder", "a medicine taken with meals that keeps the phosphorus in food out of the blood", "a phosphorus medicine taken with meals"),
    "esa": ("erythropoiesis-stimulating agent", "a shot that helps the body make red blood cells", "a medicine for anemia"),
    "calcimimetic": ("calcimimetic", "a medicine that calms overactive parathyroid glands", "a medicine for the parathyroid glands"),
    "activevitd": ("active vitamin D", "a form of vitamin D that helps keep calcium and parathyroid hormone in balance", "a vitamin D medicine"),
    "ivironform": ("IV iron", "iron given through a vein to build red blood cells", "iron given through a vein"),
    "vaccine": ("vaccine", "a shot that helps your body fight an infection", "a vaccine"),
    "epi": ("epinephrine", "an emergency shot for a severe allergic reaction", "an emergency allergy shot"),
    "topical": ("topical agent", "a cream or ointment for the skin", "a skin medicine"),
}

DRUGS = """
lisinopril | ace | Prinivil; Zestril
enalapril | ace | Vasotec
ramipril | ace | Altace
benazepril | ace | Lotensin
captopril | ace |
quinapril | ace | Accupril
fosinopril | ace |
perindopril | ace |
losartan | arb | Cozaar
valsartan | arb | Diovan
irbesartan | arb | Avapro
olmesartan | arb | Benicar
candesartan | arb | Atacand
telmisartan | arb | Micardis
sacubitril/valsartan | arni | Entresto
metoprolol | bb | Lopressor; Toprol; Toprol XL; metoprolol succinate; metoprolol tartrate
atenolol | bb | Tenormin
carvedilol | bb | Coreg
propranolol | bb | Inderal
bisoprolol | bb |
nebivolol | bb | Bystolic
labetalol | bb |
nadolol | bb |
amlodipine | ccb | Norvasc
nifedipine | ccb | Procardia
diltiazem | ccb | Cardizem
verapamil | ccb | Calan
felodipine | ccb |
hydrochlorothiazide | thiazide | HCTZ; Microzide
chlorthalidone | thiazide |
indapamide | thiazide |
metolazone | thiazide |
furosemide | loop | Lasix
bumetanide | loop | Bumex
torsemide | loop | Demadex
spironolactone | mra | Aldactone
eplerenone | mra | Inspra
triamterene | ksparing |
amiloride | ksparing |
nitroglycerin | nitrate | Nitrostat; NTG
isosorbide mononitrate | nitrate | Imdur
isosorbide dinitrate | nitrate |
hydralazine | vasodilator |
minoxidil | vasodilator | Rogaine
clonidine | central | Catapres
methyldopa | central |
doxazosin | alpha | Cardura
terazosin | alpha |
tamsulosin | alpha | Flomax
prazosin | alpha | Minipress
alfuzosin | alpha | Uroxatral
amiodarone | antiarrhythmic | Pacerone
sotalol | antiarrhythmic |
flecainide | antiarrhythmic |
dofetilide | antiarrhythmic | Tikosyn
dronedarone | antiarrhythmic | Multaq
digoxin | digoxin | Lanoxin
ivabradine | antiarrhythmic | Corlanor
atorvastatin | statin | Lipitor
simvastatin | statin | Zocor
rosuvastatin | statin | Crestor
pravastatin | statin | Pravachol
lovastatin | statin |
pitavastatin | statin | Livalo
ezetimibe | lipid | Zetia
fenofibrate | lipid | Tricor
gemfibrozil | lipid | Lopid
evolocumab | lipid | Repatha
alirocumab | lipid | Praluent
icosapent ethyl | lipid | Vascepa
niacin | lipid |
warfarin | anticoag | Coumadin; Jantoven
apixaban | anticoag | Eliquis
rivaroxaban | anticoag | Xarelto
dabigatran | anticoag | Pradaxa
edoxaban | anticoag | Savaysa
heparin | anticoag |
enoxaparin | anticoag | Lovenox
aspirin | antiplatelet | ASA; baby aspirin; Bayer; Ecotrin
clopidogrel | antiplatelet | Plavix
ticagrelor | antiplatelet | Brilinta
prasugrel | antiplatelet | Effient
cilostazol | antiplatelet |
metformin | metformin | Glucophage
glipizide | su | Glucotrol
glyburide | su |
glimepiride | su | Amaryl
sitagliptin | dpp4 | Januvia
linagliptin | dpp4 | Tradjenta
saxagliptin | dpp4 | Onglyza
empagliflozin | sglt2 | Jardiance
dapagliflozin | sglt2 | Farxiga
canagliflozin | sglt2 | Invokana
semaglutide | glp1 | Ozempic; Wegovy; Rybelsus
liraglutide | glp1 | Victoza; Saxenda
dulaglutide | glp1 | Trulicity
tirzepatide | glp1 | Mounjaro; Zepbound
exenatide | glp1 | Byetta
pioglitazone | tzd | Actos
insulin glargine | insulin | Lantus; Basaglar; Toujeo; Semglee; glargine
insulin detemir | insulin | Levemir; detemir
insulin degludec | insulin | Tresiba; degludec
insulin lispro | insulin | Humalog; lispro
insulin aspart | insulin | Novolog; aspart
regular insulin | insulin | Humulin R; Novolin R
NPH insulin | insulin | Humulin N
NPH/regular insulin 70/30 | insulin | insulin 70/30; Humulin 70/30; Novolin 70/30
levothyroxine | thyroid | Synthroid; Levoxyl; Euthyrox
liothyronine | thyroid | Cytomel
methimazole | antithyroid | Tapazole
propylthiouracil | antithyroid | PTU
omeprazole | ppi | Prilosec
pantoprazole | ppi | Protonix
esomeprazole | ppi | Nexium
lansoprazole | ppi | Prevacid
rabeprazole | ppi | Aciphex
famotidine | h2 | Pepcid
ranitidine | h2 | Zantac
calcium carbonate | antacid | Tums
sucralfate | antacid | Carafate
ondansetron | antiemetic | Zofran
promethazine | antiemetic | Phenergan
metoclopramide | antiemetic | Reglan
prochlorperazine | antiemetic | Compazine
meclizine | antiemetic | Antivert
scopolamine | antiemetic |
polyethylene glycol | laxative | MiraLAX; Miralax; PEG
docusate | laxative | Colace
senna | laxative | Senokot
bisacodyl | laxative | Dulcolax
lactulose | laxative |
psyllium | laxative | Metamucil
magnesium citrate | laxative |
linaclotide | laxative | Linzess
loperamide | antidiarrheal | Imodium
bismuth subsalicylate | antidiarrheal | Pepto-Bismol
dicyclomine | antidiarrheal | Bentyl
mesalamine | dmard | Lialda; Asacol; Pentasa
ibuprofen | nsaid | Advil; Motrin
naproxen | nsaid | Aleve; Naprosyn
meloxicam | nsaid | Mobic
celecoxib | nsaid | Celebrex
diclofenac | nsaid | Voltaren
indomethacin | nsaid | Indocin
ketorolac | nsaid | Toradol
propofol | anesthetic | Diprivan
nabumetone | nsaid |
etodolac | nsaid |
acetaminophen | analgesic | Tylenol; paracetamol; APAP
oxycodone | opioid | Roxicodone; OxyContin; Percocet
hydrocodone | opioid | Norco; Vicodin; Lortab; Lorcet
morphine | opioid | MS Contin
tramadol | opioid | Ultram
codeine | opioid |
hydromorphone | opioid | Dilaudid
fentanyl | opioid | Duragesic
methadone | addiction |
buprenorphine | addiction | Suboxone; Subutex
naltrexone | addiction | Vivitrol
naloxone | reversal | Narcan
cyclobenzaprine | muscle | Flexeril
methocarbamol | muscle | Robaxin
tizanidine | muscle | Zanaflex
baclofen | muscle | Lioresal
carisoprodol | muscle | Soma
prednisone | steroid | Deltasone
methylprednisolone | steroid | Medrol; Solu-Medrol; Medrol Dosepak; Depo-Medrol
dexamethasone | steroid | Decadron
hydrocortisone | steroid | Cortef
prednisolone | steroid |
triamcinolone | topsteroid | Kenalog
clobetasol | topsteroid | Temovate
betamethasone | topsteroid |
fluticasone | nasalsteroid | Flonase; Flovent
mometasone | nasalsteroid | Nasonex
budesonide | inhsteroid | Pulmicort; Rhinocort
beclomethasone | inhsteroid | Qvar
albuterol | saba | ProAir; Ventolin; Proventil; salbutamol
levalbuterol | saba | Xopenex
ipratropium | lama | Atrovent
ipratropium-albuterol | sabasama | DuoNeb; DuoNebs; Combivent; Combivent Respimat
salmeterol | laba | Serevent
formoterol | laba |
tiotropium | lama | Spiriva
umeclidinium | lama | Incruse
fluticasone/salmeterol | combo_inh | Advair; Wixela
budesonide/formoterol | combo_inh | Symbicort
fluticasone/vilanterol | combo_inh | Breo; Breo Ellipta
fluticasone/umeclidinium/vilanterol | combo_inh | Trelegy
montelukast | leukotriene | Singulair
cetirizine | antihistamine | Zyrtec
loratadine | antihistamine | Claritin
fexofenadine | antihistamine | Allegra
diphenhydramine | antihistamine | Benadryl
hydroxyzine | antihistamine | Atarax; Vistaril
levocetirizine | antihistamine | Xyzal
azelastine | antihistamine | Astelin
pseudoephedrine | decongestant | Sudafed
oxymetazoline | decongestant | Afrin
phenylephrine | decongestant |
guaifenesin | antitussive | Mucinex
dextromethorphan | antitussive | Delsym
benzonatate | antitussive | Tessalon
amoxicillin | antibiotic | Amoxil
amoxicillin/clavulanate | antibiotic | Augmentin
ampicillin/sulbactam | antibiotic | Unasyn
dapsone | antibiotic |
penicillin | antibiotic |
cephalexin | antibiotic | Keflex
cefdinir | antibiotic | Omnicef
ceftriaxone | antibiotic | Rocephin
cefuroxime | antibiotic | Ceftin
azithromycin | antibiotic | Zithromax; Z-Pak; Z-pack
clarithromycin | antibiotic | Biaxin
doxycycline | antibiotic | Vibramycin
minocycline | antibiotic | Minocin
ciprofloxacin | antibiotic | Cipro
levofloxacin | antibiotic | Levaquin
moxifloxacin | antibiotic | Avelox
sulfamethoxazole/trimethoprim | antibiotic | Bactrim; Septra; TMP-SMX; trimethoprim-sulfamethoxazole; trimethoprim/sulfamethoxazole; sulfamethoxazole-trimethoprim; Bactrim DS
nitrofurantoin | antibiotic | Macrobid; Macrodantin
metronidazole | antibiotic | Flagyl
clindamycin | antibiotic | Cleocin
vancomycin | antibiotic | Vancocin
linezolid | antibiotic | Zyvox
piperacillin/tazobactam | antibiotic | Zosyn
mupirocin | antibiotic | Bactroban
rifampin | antibiotic |
isoniazid | antibiotic |
gentamicin | antibiotic |
neomycin | antibiotic |
bacitracin | antibiotic |
fidaxomicin | antibiotic | Dificid
acyclovir | antiviral | Zovirax
valacyclovir | antiviral | Valtrex
oseltamivir | antiviral | Tamiflu
nirmatrelvir/ritonavir | antiviral | Paxlovid
tenofovir | antiretroviral |
bictegravir/emtricitabine/tenofovir alafenamide | antiretroviral | Biktarvy
emtricitabine/tenofovir alafenamide | antiretroviral | Descovy
emtricitabine/tenofovir disoproxil | antiretroviral | Truvada
elvitegravir/cobicistat/emtricitabine/tenofovir alafenamide | antiretroviral | Genvoya
elvitegravir/cobicistat/emtricitabine/tenofovir disoproxil | antiretroviral | Stribild
abacavir/dolutegravir/lamivudine | antiretroviral | Triumeq
dolutegravir/lamivudine | antiretroviral | Dovato
dolutegravir/rilpivirine | antiretroviral | Juluca
emtricitabine/rilpivirine/tenofovir alafenamide | antiretroviral | Odefsey
emtricitabine/rilpivirine/tenofovir disoproxil | antiretroviral | Complera
efavirenz/emtricitabine/tenofovir disoproxil | antiretroviral | Atripla
darunavir/cobicistat/emtricitabine/tenofovir alafenamide | antiretroviral | Symtuza
darunavir/cobicistat | antiretroviral | Prezcobix
cabotegravir/rilpivirine | antiretroviral | Cabenuva
dolutegravir | antiretroviral | Tivicay
raltegravir | antiretroviral | Isentress
darunavir | antiretroviral | Prezista
ritonavir | antiretroviral | Norvir
lamivudine | antiretroviral | Epivir
abacavir | antiretroviral | Ziagen
zidovudine | antiretroviral | Retrovir
efavirenz | antiretroviral | Sustiva
rilpivirine | antiretroviral | Edurant
doravirine | antiretroviral | Pifeltro
atazanavir | antiretroviral | Reyataz
emtricitabine | antiretroviral | Emtriva
lenacapavir | antiretroviral | Sunlenca
cabotegravir | antiretroviral | Apretude
tenofovir disoproxil | antiretroviral | Viread
tenofovir alafenamide | hbv | Vemlidy
entecavir | hbv | Baraclude
sofosbuvir/velpatasvir | hcv | Epclusa
ledipasvir/sofosbuvir | hcv | Harvoni
glecaprevir/pibrentasvir | hcv | Mavyret
valganciclovir | antiviral | Valcyte
famciclovir | antiviral | Famvir
fluconazole | antifungal | Diflucan
nystatin | antifungal |
clotrimazole | antifungal | Lotrimin
terbinafine | antifungal | Lamisil
ketoconazole | antifungal | Nizoral
miconazole | antifungal | Monistat
ivermectin | antiparasitic | Stromectol
albendazole | antiparasitic |
permethrin | antiparasitic | Elimite
hydroxychloroquine | dmard | Plaquenil
sertraline | ssri | Zoloft
fluoxetine | ssri | Prozac
citalopram | ssri | Celexa
escitalopram | ssri | Lexapro
paroxetine | ssri | Paxil
fluvoxamine | ssri | Luvox
venlafaxine | snri | Effexor
duloxetine | snri | Cymbalta
desvenlafaxine | snri | Pristiq
amitriptyline | tca | Elavil
nortriptyline | tca | Pamelor
doxepin | tca |
bupropion | antidepressant | Wellbutrin; Zyban
mirtazapine | antidepressant | Remeron
trazodone | antidepressant | Desyrel
vortioxetine | antidepressant | Trintellix
quetiapine | antipsychotic | Seroquel
olanzapine | antipsychotic | Zyprexa
risperidone | antipsychotic | Risperdal
aripiprazole | antipsychotic | Abilify
haloperidol | antipsychotic | Haldol
ziprasidone | antipsychotic | Geodon
lurasidone | antipsychotic | Latuda
clozapine | antipsychotic | Clozaril
lithium | moodstab | Lithobid
lamotrigine | antiepileptic | Lamictal
valproic acid | antiepileptic | Depakote; divalproex
carbamazepine | antiepileptic | Tegretol
oxcarbazepine | antiepileptic | Trileptal
levetiracetam | antiepileptic | Keppra
phenytoin | antiepileptic | Dilantin
topiramate | antiepileptic | Topamax
gabapentin | antiepileptic | Neurontin
pregabalin | antiepileptic | Lyrica
lacosamide | antiepileptic | Vimpat
zonisamide | antiepileptic |
alprazolam | benzo | Xanax
lorazepam | benzo | Ativan
clonazepam | benzo | Klonopin
diazepam | benzo | Valium
temazepam | benzo | Restoril
zolpidem | hypnotic | Ambien
eszopiclone | hypnotic | Lunesta
melatonin | hypnotic |
buspirone | antidepressant | Buspar
methylphenidate | stimulant | Ritalin; Concerta
amphetamine | stimulant | Adderall; Vyvanse; lisdexamfetamine
atomoxetine | stimulant | Strattera
modafinil | stimulant | Provigil
carbidopa/levodopa | parkinson | Sinemet
pramipexole | parkinson | Mirapex
ropinirole | parkinson | Requip
donepezil | dementia | Aricept
memantine | dementia | Namenda
rivastigmine | dementia | Exelon
sumatriptan | migraine | Imitrex
rizatriptan | migraine | Maxalt
allopurinol | gout | Zyloprim
febuxostat | gout | Uloric
colchicine | goutacute | Colcrys
probenecid | gout |
alendronate | bisphos | Fosamax
risedronate | bisphos | Actonel
ibandronate | bisphos | Boniva
zoledronic acid | bisphos | Reclast
denosumab | biologic | Prolia
methotrexate | dmard | Trexall
sulfasalazine | dmard | Azulfidine
leflunomide | dmard | Arava
azathioprine | immunosupp | Imuran
mycophenolate | immunosupp | CellCept
tacrolimus | immunosupp | Prograf
cyclosporine | immunosupp | Restasis
adalimumab | biologic | Humira
etanercept | biologic | Enbrel
infliximab | biologic | Remicade
ustekinumab | biologic | Stelara
dupilumab | biologic | Dupixent
secukinumab | biologic | Cosentyx
rituximab | biologic | Rituxan
tofacitinib | dmard | Xeljanz
finasteride | bph | Proscar; Propecia
dutasteride | bph | Avodart
oxybutynin | bladder | Ditropan
tolterodine | bladder | Detrol
solifenacin | bladder | Vesicare
mirabegron | bladder | Myrbetriq
sildenafil | ed | Viagra; Revatio
tadalafil | ed | Cialis
estradiol | hormone | Estrace
medroxyprogesterone | contraceptive | Depo-Provera; Provera
norethindrone | contraceptive |
levonorgestrel | contraceptive | Plan B; Mirena
ethinyl estradiol | contraceptive |
testosterone | hormone | AndroGel
tamoxifen | hormone |
letrozole | hormone | Femara
anastrozole | hormone | Arimidex
leuprolide | hormone | Lupron
cholecalciferol | vitamin | vitamin D3; vitamin D
ergocalciferol | vitamin | vitamin D2
cyanocobalamin | vitamin | vitamin B12
folic acid | vitamin | folate
thiamine | vitamin | vitamin B1
multivitamin | vitamin | MVI
calcium citrate | vitamin |
magnesium oxide | electrolyte |
potassium chloride | electrolyte | K-Dur; Klor-Con; KCl
sodium zirconium cyclosilicate | kbinder | Lokelma
patiromer | kbinder | Veltassa
sodium polystyrene sulfonate | kbinder | Kayexalate
sodium bicarbonate | electrolyte |
ferrous sulfate | iron | iron sulfate
ferrous gluconate | iron |
varenicline | smoking | Chantix
nicotine patch | smoking | NicoDerm
nicotine gum | smoking | Nicorette
disulfiram | addiction | Antabuse
acamprosate | addiction |
lidocaine | local | Xylocaine; Lidoderm
benzocaine | local |
latanoprost | eye | Xalatan
timolol | eye | Timoptic
brimonidine | eye | Alphagan
dorzolamide | eye | Trusopt
artificial tears | eye |
prednisolone acetate eye drops | eye | Pred Forte
phentermine | weightloss | Adipex
orlistat | weightloss | Alli
cyclophosphamide | chemo |
oxaliplatin | chemo | Eloxatin
fluorouracil | chemo | 5-FU; 5-fluorouracil
leucovorin | chemo |
carboplatin | chemo |
docetaxel | chemo | Taxotere
gemcitabine | chemo | Gemzar
irinotecan | chemo | Camptosar
nivolumab | immunotherapy | Opdivo
atezolizumab | immunotherapy | Tecentriq
bevacizumab | chemo | Avastin
trastuzumab | chemo | Herceptin
filgrastim | gcsf | Neupogen
pegfilgrastim | gcsf | Neulasta
sevelamer | phosbinder | Renvela; Renagel
calcium acetate | phosbinder | PhosLo
lanthanum carbonate | phosbinder | Fosrenol; lanthanum
ferric citrate | phosbinder | Auryxia
epoetin alfa | esa | Epogen; Procrit; Retacrit; epoetin; EPO
darbepoetin alfa | esa | Aranesp; darbepoetin
cinacalcet | calcimimetic | Sensipar
calcitriol | activevitd | Rocaltrol
paricalcitol | activevitd | Zemplar
doxercalciferol | activevitd | Hectorol
iron sucrose | ivironform | Venofer
ferric carboxymaltose | ivironform | Injectafer
doxorubicin | chemo |
cisplatin | chemo |
paclitaxel | chemo | Taxol
capecitabine | chemo | Xeloda
imatinib | chemo | Gleevec
pembrolizumab | immunotherapy | Keytruda
influenza vaccine | vaccine | flu shot; flu vaccine
pneumococcal vaccine | vaccine | Pneumovax; Prevnar
tetanus vaccine | vaccine | Tdap; tetanus shot
shingles vaccine | vaccine | Shingrix
COVID-19 vaccine | vaccine | covid vaccine; covid booster
hepatitis B vaccine | vaccine |
epinephrine auto-injector | epi | EpiPen
hydrocortisone cream | topsteroid |
silver sulfadiazine | topical | Silvadene
benzoyl peroxide | topical |
tretinoin | topical | Retin-A
capsaicin cream | topical |
diclofenac gel | nsaid | Voltaren gel
salicylic acid | topical |
"""

#: Drugs that come in more than one form (inhaler, nose spray, cream, shot...). For these the drug's
#: ``plain`` is a form-neutral phrase ("any") and ``plain_by_form`` gives the words for the form the note
#: names; a letter never says "nose spray" when the note says "inhaler". Form keys: inhaled, nebulized,
#: nasal, topical, injected, sublingual, patch, oral, eye, pump. ``brand_forms`` says which form a brand
#: name implies (Flovent is an inhaler, Flonase a nose spray).
FORMS = {
    "fluticasone": {"any": "a steroid medicine that calms swelling",
                    "inhaled": "a steroid inhaler that calms the airways",
                    "nasal": "a steroid nose spray",
                    "topical": "a steroid cream"},
    "mometasone": {"any": "a steroid medicine that calms swelling",
                   "nasal": "a steroid nose spray",
                   "inhaled": "a steroid inhaler that calms the airways",
                   "topical": "a steroid cream"},
    "budesonide": {"any": "a steroid medicine that calms swelling",
                   "inhaled": "a steroid inhaler that calms the airways",
                   "nebulized": "a steroid mist you breathe in to calm the airways",
                   "nasal": "a steroid nose spray",
                   "oral": "a steroid pill that calms swelling in the gut"},
    "beclomethasone": {"any": "a steroid medicine that calms swelling",
                       "inhaled": "a steroid inhaler that calms the airways",
                       "nasal": "a steroid nose spray"},
    "triamcinolone": {"any": "a steroid medicine that calms swelling",
                      "topical": "a steroid cream",
                      "injected": "a steroid shot that calms swelling",
                      "nasal": "a steroid nose spray"},
    "albuterol": {"any": "a rescue medicine that opens the airways fast",
                  "inhaled": "a rescue inhaler that opens the airways fast",
                  "nebulized": "a rescue medicine you breathe in as a mist to open the airways"},
    "levalbuterol": {"any": "a rescue medicine that opens the airways fast",
                     "inhaled": "a rescue inhaler that opens the airways fast",
                     "nebulized": "a rescue medicine you breathe in as a mist to open the airways"},
    "ipratropium": {"any": "a medicine that opens the airways",
                    "inhaled": "an inhaler that opens the airways",
                    "nebulized": "a medicine you breathe in as a mist to open the airways",
                    "nasal": "a nose spray for a runny nose"},
    "formoterol": {"any": "a medicine that keeps the airways open",
                   "inhaled": "a daily inhaler",
                   "nebulized": "a daily medicine you breathe in as a mist to keep the airways open"},
    "nitroglycerin": {"any": "a medicine for chest pain",
                      "sublingual": "a medicine for chest pain that melts under your tongue",
                      "patch": "a skin patch that helps prevent chest pain",
                      "topical": "an ointment that helps prevent chest pain"},
    "lidocaine": {"any": "a numbing medicine",
                  "patch": "a numbing skin patch",
                  "topical": "a numbing cream or gel",
                  "injected": "a numbing shot"},
    "diclofenac": {"any": "a pain and swelling medicine",
                   "topical": "a pain and swelling gel for the skin",
                   "oral": "a pain and swelling pill"},
    "hydrocortisone": {"any": "a steroid medicine",
                       "topical": "a steroid cream",
                       "oral": "a steroid pill"},
    "estradiol": {"any": "a hormone medicine",
                  "patch": "a hormone skin patch",
                  "topical": "a hormone cream or gel"},
    "testosterone": {"any": "a hormone medicine",
                     "topical": "a hormone gel for the skin",
                     "injected": "a hormone shot",
                     "patch": "a hormone skin patch"},
    "ketorolac": {"any": "a pain and swelling medicine",
                  "injected": "a pain and swelling shot",
                  "eye": "eye drops for pain and swelling"},
    "timolol": {"any": "a medicine for eye pressure",
                "eye": "eye drops"},
}
FORMS["insulin"] = {"any": "a hormone that lowers blood sugar",
                    "injected": "a hormone given as a shot to lower blood sugar",
                    "pump": "a hormone that lowers blood sugar, given by a pump"}
for _ins in ("insulin glargine", "insulin detemir", "insulin degludec", "insulin lispro", "insulin aspart",
             "regular insulin", "NPH insulin"):
    FORMS[_ins] = {"any": "insulin for blood sugar", "injected": "insulin for blood sugar, given as a shot",
                   "pump": "insulin for blood sugar, given by a pump"}

BRAND_FORMS = {
    "flovent": "inhaled", "arnuity": "inhaled", "flonase": "nasal", "nasonex": "nasal", "asmanex": "inhaled",
    "pulmicort": "inhaled", "rhinocort": "nasal", "entocort": "oral", "qvar": "inhaled", "beconase": "nasal",
    "kenalog": "injected", "nasacort": "nasal", "lidoderm": "patch", "nitrostat": "sublingual",
    "androgel": "topical", "voltaren gel": "topical",
}
