"""Tests, anatomy, procedures and abbreviations, written by the MedAssist project.

Each line: ``term | plain words | aliases separated by ;``.
"""

TESTS = """
complete blood count | a blood test that counts your blood cells | CBC; blood count
white blood cell count | a blood test that counts the cells that fight infection | WBC; WBC count; white count; white cell count; leukocyte count
hemoglobin | a blood test of the part of the blood that carries oxygen | Hgb; Hb; haemoglobin
hematocrit | a blood test of how much of the blood is red cells | Hct
platelet count | a blood test of the cells that help the blood clot | Plt; platelet level
basic metabolic panel | a blood test of salts, sugar and kidney function | BMP; chem 7
comprehensive metabolic panel | a blood test of salts, sugar, kidney and liver function | CMP
lipid panel | a blood test for cholesterol and other fats | lipid profile; cholesterol test; fasting lipids
hemoglobin A1c | a blood test that shows your average blood sugar over about three months | A1c; HbA1c; hemoglobin A1C; glycated hemoglobin
fasting blood glucose | a blood sugar test done before eating | fasting glucose; FBG
blood glucose | blood sugar level | glucose; blood sugar
thyroid stimulating hormone | a blood test of thyroid function | TSH; thyroid function tests; TFTs
free T4 | a blood test of thyroid hormone | T4
liver function tests | blood tests of how your liver is working | LFTs; liver panel; hepatic function panel
kidney function tests | blood tests of how your kidneys are working | renal function; renal panel
creatinine | a blood test of kidney function | serum creatinine; Cr
blood urea nitrogen | a blood test of kidney function | BUN
estimated glomerular filtration rate | a number that shows how well your kidneys filter blood | eGFR; GFR
electrolytes | blood salts like sodium and potassium | lytes
potassium level | the amount of potassium in your blood | serum potassium
sodium level | the amount of salt in your blood | serum sodium
magnesium level | the amount of magnesium in your blood |
vitamin D level | a blood test for vitamin D | 25-hydroxy vitamin D
vitamin B12 level | a blood test for vitamin B12 | B12 level
iron studies | blood tests for iron | iron panel; ferritin
prothrombin time | a blood test of how fast your blood clots | PT; INR; PT/INR
partial thromboplastin time | a blood test of how fast your blood clots | PTT; aPTT
D-dimer | a blood test that looks for signs of a blood clot |
troponin | a blood test that checks for heart damage | cardiac enzymes; troponins
brain natriuretic peptide | a blood test for heart strain | BNP; NT-proBNP
C-reactive protein | a blood test for swelling in the body | CRP
erythrocyte sedimentation rate | a blood test for swelling in the body | ESR; sed rate
uric acid level | a blood test for uric acid (linked to gout) | uric acid
prostate-specific antigen | a blood test to check the prostate | PSA
urinalysis | a urine test | UA; urine test
urine culture | a urine test that looks for germs | urine cx
blood culture | a blood test that looks for germs in the blood | blood cultures
throat culture | a throat swab that looks for germs | rapid strep test; strep test
stool test | a test of a bowel movement sample | stool sample; fecal occult blood test; FOBT; FIT test
pregnancy test | a test to see if you are pregnant | hCG; beta hCG; urine pregnancy test
COVID-19 test | a test for the coronavirus | covid test; PCR test
autoimmune panel | blood tests that check if the body is attacking itself | ANA; antinuclear antibody
rheumatoid factor | a blood test for rheumatoid arthritis | RF
hepatitis panel | blood tests for liver virus infections |
HIV test | a blood test for HIV |
blood type and screen | a test of your blood type | type and screen; type and cross
arterial blood gas | a blood test of oxygen and acid in the blood | ABG
venous blood gas | a blood test of acid and carbon dioxide in the blood | VBG
alanine aminotransferase | a blood test of the liver | ALT; SGPT
aspartate aminotransferase | a blood test of the liver | AST; SGOT
bilirubin level | a blood test of a yellow substance the liver clears | bilirubin; total bilirubin; T bili
lactate | a blood test that checks for low oxygen in the tissues | lactic acid
lipase | a blood test for the pancreas | amylase
ammonia level | a blood test for liver problems | ammonia
drug screen | a test for drugs in urine or blood | urine drug screen; tox screen
allergy testing | tests to find what you are allergic to | skin prick test
biopsy | taking a small piece of tissue to look at under a microscope | tissue biopsy
skin prick test | an allergy test that pricks the skin with tiny amounts of things you may be allergic to | skin prick testing; allergy skin testing; allergy skin test; skin testing
patch test | an allergy test with patches taped to the skin for a few days | patch testing
pathology | study of tissue under a microscope | path report
Pap smear | a test for cancer of the cervix | Pap test
genetic testing | a test of your genes |
electrocardiogram | a test of your heart's electrical activity | EKG; ECG; 12-lead
echocardiogram | an ultrasound of the heart | echo; TTE; transthoracic echocardiogram; echocardiography
transesophageal echocardiogram | an ultrasound of the heart done through the food pipe | TEE
stress test | a test of your heart while you exercise | exercise stress test; treadmill test; nuclear stress test; stress echo
Holter monitor | a small device you wear to record your heartbeat for a day or two | Holter
event monitor | a device you wear to record your heartbeat for a few weeks | Zio patch; cardiac monitor
cardiac catheterization | a test that uses a thin tube in a blood vessel to look at the heart | heart cath; cardiac cath; left heart catheterization
coronary angiogram | an X-ray movie of the heart's blood vessels | angiography; angiogram
ankle-brachial index | a test that compares blood pressure in the ankle and arm | ABI
X-ray | a picture of the inside of the body | x ray; radiograph; plain film; xray
chest X-ray | a picture of the chest and lungs | CXR; chest x ray; chest radiograph
CT scan | a detailed X-ray picture made by a computer | CT; CAT scan; computed tomography
CT angiography | a detailed X-ray picture of the blood vessels, made by a computer | CT angiogram; CTA; CT pulmonary angiography; CTPA
MRI | a detailed picture of the inside of the body made with a magnet | MRI scan; magnetic resonance imaging
ultrasound | a picture made with sound waves | sonogram; US; ultrasonography
PET scan | a scan that shows how active your cells are | PET; PET-CT
bone density scan | a scan that checks how strong your bones are | DEXA scan; DEXA; DXA; bone densitometry
mammogram | an X-ray of the breast | mammography; screening mammogram
Doppler ultrasound | an ultrasound of blood flow in the blood vessels | venous Doppler; arterial Doppler; duplex ultrasound
carotid ultrasound | an ultrasound of the blood vessels in your neck | carotid Doppler
nuclear medicine scan | a scan that uses a small amount of a tracer | bone scan; HIDA scan; V/Q scan
fluoroscopy | a live X-ray movie |
electroencephalogram | a test of brain waves | EEG
electromyography | a test of the muscles and nerves | EMG; nerve conduction study; NCS
sleep study | a test done while you sleep to check your breathing | polysomnography; PSG
pulmonary function tests | breathing tests of how well your lungs work | PFTs; spirometry
peak flow | a simple test of how fast you can blow out air | peak expiratory flow
pulse oximetry | a clip on your finger that measures oxygen in your blood | pulse ox; O2 sat; oxygen saturation; SpO2
blood pressure check | measuring your blood pressure | BP check
vital signs | your temperature, pulse, breathing and blood pressure | vitals
hearing test | a test of your hearing | audiogram; audiometry
vision test | a test of your eyesight | visual acuity
eye exam | a check of your eyes | dilated eye exam; fundoscopic exam
tuberculosis skin test | a skin test for TB | PPD; TB test; QuantiFERON
urine microalbumin | a urine test for early kidney damage | microalbumin; urine albumin-to-creatinine ratio; UACR
ejection fraction | how much blood the heart pumps out with each beat | EF; LVEF
blood pressure reading | your blood pressure number |
cystoscopy test | a look inside the bladder with a thin camera |
tilt table test | a test that checks why you faint |
"""

ANATOMY = """
abdomen | belly | abdominal region
thorax | chest | chest wall
cranium | skull |
cervical spine | neck bones | C-spine
thoracic spine | upper and middle back bones | T-spine
lumbar spine | lower back bones | L-spine; lumbar
sacrum | the bone at the base of the spine |
coccyx | tailbone | tailbone
vertebra | a bone of the spine | vertebrae; vertebral body
intervertebral disc | the cushion between the bones of the spine | disc; disk
spinal cord | the bundle of nerves inside the spine |
clavicle | collarbone | collar bone
scapula | shoulder blade |
sternum | breastbone |
humerus | upper arm bone |
radius | a bone of the forearm, on the thumb side |
ulna | a bone of the forearm, on the pinky side |
carpal bones | wrist bones |
metacarpal | a bone of the hand |
phalanges | finger or toe bones | phalanx
femur | thigh bone |
patella | kneecap | kneecap
tibia | shin bone |
fibula | the thin bone of the lower leg |
tarsal bones | ankle and foot bones |
metatarsal | a bone of the foot |
calcaneus | heel bone |
pelvis | hip bones |
acetabulum | the hip socket |
mandible | jaw bone | jaw
maxilla | upper jaw |
anterior cruciate ligament | a main ligament inside the knee | ACL
medial collateral ligament | a ligament on the inner side of the knee | MCL
meniscus | a cushion of cartilage in the knee | menisci
rotator cuff | the muscles and tendons that hold the shoulder in place |
Achilles tendon | the tendon at the back of the ankle |
ligament | a strong band that holds bones together |
tendon | a cord that joins muscle to bone |
cartilage | smooth, rubbery tissue that covers the ends of bones |
quadriceps | the muscles on the front of the thigh | quads
hamstrings | the muscles on the back of the thigh | hamstring
gluteal muscles | buttock muscles | glutes
deltoid | the shoulder muscle |
biceps | the muscle on the front of the upper arm |
triceps | the muscle on the back of the upper arm |
myocardium | heart muscle | heart muscle
atrium | an upper chamber of the heart | atria; left atrium; right atrium
ventricle | a lower chamber of the heart | left ventricle; right ventricle; LV; RV
mitral valve | a heart valve between the left chambers |
aortic valve | the heart valve that opens into the aorta |
tricuspid valve | a heart valve between the right chambers |
pulmonic valve | the heart valve that opens to the lungs | pulmonary valve
aorta | the body's main blood vessel |
coronary arteries | the blood vessels of the heart | coronary artery
carotid artery | a main blood vessel in the neck | carotids; carotid arteries
jugular vein | a large vein in the neck | JVD
artery | a blood vessel that carries blood from the heart | arteries
vein | a blood vessel that carries blood back to the heart | veins
capillaries | tiny blood vessels |
lungs | the organs you breathe with | pulmonary
trachea | windpipe | windpipe
bronchi | the airways in the lungs | bronchus; airways
alveoli | tiny air sacs in the lungs |
pleura | the lining around the lungs |
diaphragm | the breathing muscle under the lungs |
larynx | voice box | voice box
pharynx | throat | throat; oropharynx
tonsils | glands at the back of the throat |
sinuses | air spaces in the face bones | paranasal sinuses
esophagus | food pipe | oesophagus
stomach | stomach | gastric
duodenum | the first part of the small bowel |
small intestine | small bowel | small bowel; jejunum; ileum
large intestine | large bowel | colon; large bowel
rectum | the last part of the bowel |
anus | the opening of the bottom |
appendix | a small pouch off the large bowel |
liver | liver | hepatic
gallbladder | the sac that stores bile from the liver | gall bladder
bile duct | the tube that carries bile from the liver | common bile duct; biliary tree
pancreas | a gland behind the stomach that makes insulin and digestive juices | pancreatic
spleen | an organ that filters blood and fights infection | splenic
kidney | kidney | renal; kidneys
ureter | the tube from the kidney to the bladder | ureters
bladder | the organ that holds urine | urinary bladder
urethra | the tube that carries urine out of the body |
prostate | a gland below the bladder in men | prostate gland
testicle | testicle | testis; testes
uterus | womb | womb
ovary | the organ that holds eggs | ovaries
cervix | the opening of the womb |
fallopian tube | the tube from the ovary to the womb |
thyroid gland | a gland in the neck that controls how fast the body uses energy | thyroid
adrenal gland | a small gland on top of the kidney that makes hormones | adrenal
pituitary gland | a small gland under the brain that controls other glands | pituitary
lymph nodes | small glands that fight infection | lymph glands
cerebrum | the main part of the brain |
cerebellum | the part of the brain that controls balance |
brainstem | the part of the brain that joins the spinal cord |
meninges | the covering of the brain and spinal cord |
peripheral nerves | the nerves outside the brain and spine |
median nerve | a nerve in the wrist and hand |
sciatic nerve | the large nerve that runs down the back of the leg |
retina | the back layer of the eye that senses light |
cornea | the clear front of the eye |
lens | the part of the eye that focuses light |
optic nerve | the nerve that connects the eye to the brain |
tympanic membrane | eardrum | eardrum; TM
middle ear | the space behind the eardrum |
inner ear | the deep part of the ear for hearing and balance |
epidermis | the top layer of skin |
dermis | the deep layer of skin |
subcutaneous tissue | the fat layer under the skin |
bone marrow | the soft center of bones where blood is made |
extremities | arms and legs | lower extremities; upper extremities; extremity
lower extremity | leg | lower extremities
upper extremity | arm | upper extremities
axilla | armpit | armpit
groin | groin | inguinal
popliteal fossa | the back of the knee |
plantar | the bottom of the foot |
dorsal | the back or top side |
palmar | the palm side |
anterior | the front |
posterior | the back |
medial | toward the middle |
lateral | toward the side |
proximal | closer to the body |
distal | farther from the body |
bilateral | both sides |
unilateral | one side |
right upper quadrant | the upper right part of the belly | RUQ
left upper quadrant | the upper left part of the belly | LUQ
right lower quadrant | the lower right part of the belly | RLQ
left lower quadrant | the lower left part of the belly | LLQ
epigastric region | the upper middle belly | epigastrium
"""

PROCEDURES = """
colonoscopy | a look inside the large bowel with a thin camera |
upper endoscopy | a look inside the food pipe and stomach with a thin camera | EGD; esophagogastroduodenoscopy; endoscopy
bronchoscopy | a look inside the lungs with a thin camera |
cystoscopy | a look inside the bladder with a thin camera |
arthroscopy | surgery inside a joint through small cuts with a camera | arthroscopic surgery; knee arthroscopy; knee scope
laparoscopy | surgery through small cuts in the belly with a camera | laparoscopic surgery
appendectomy | surgery to take out the appendix |
cholecystectomy | surgery to take out the gallbladder | lap chole; laparoscopic cholecystectomy
hysterectomy | surgery to take out the womb |
mastectomy | surgery to take out a breast |
lumpectomy | surgery to take out a lump from the breast |
prostatectomy | surgery to take out the prostate |
transurethral resection of the prostate | surgery through the urine tube to remove part of the prostate that blocks the flow of urine | TURP; transurethral resection of prostate; TUR of the prostate; TURP procedure
thyroidectomy | surgery to take out the thyroid gland |
tonsillectomy | surgery to take out the tonsils |
hernia repair | surgery to fix a hernia | herniorrhaphy; hernioplasty
total knee replacement | surgery to replace the knee joint | total knee arthroplasty; TKA; TKR; knee replacement
total hip replacement | surgery to replace the hip joint | total hip arthroplasty; THA; THR; hip replacement
shoulder replacement | surgery to replace the shoulder joint | shoulder arthroplasty
rotator cuff repair | surgery to fix a torn shoulder tendon |
ACL reconstruction | surgery to rebuild a torn knee ligament | ACL repair
meniscectomy | surgery to trim a torn knee cushion | meniscus repair
carpal tunnel release | surgery to free a pinched nerve in the wrist |
spinal fusion | surgery to join bones of the spine |
laminectomy | surgery to make room for the nerves in the spine |
discectomy | surgery to remove part of a disc in the spine | microdiscectomy
open reduction internal fixation | surgery to fix a broken bone with plates or screws | ORIF
closed reduction | putting a broken or moved bone back in place without surgery |
cast | a hard wrap that holds a broken bone still | casting
splint | a support that keeps a body part still | splinting
brace | a support worn on a body part | bracing; knee brace
sling | a cloth support for the arm |
coronary artery bypass graft | heart bypass surgery | CABG; bypass surgery
percutaneous coronary intervention | opening a blocked heart artery with a small balloon and tube | PCI; angioplasty; stent placement; coronary stent
pacemaker | a small device that keeps the heartbeat steady | pacemaker placement
implantable cardioverter-defibrillator | a device that shocks the heart back into a normal rhythm | ICD; defibrillator
cardioversion | a treatment that resets the heart rhythm |
ablation | a treatment that burns or freezes a small area of tissue | catheter ablation; cardiac ablation
valve replacement | surgery to replace a heart valve | TAVR; aortic valve replacement; mitral valve repair
carotid endarterectomy | surgery to clean out a neck blood vessel |
dialysis | a treatment that cleans the blood when the kidneys cannot | hemodialysis; peritoneal dialysis
blood transfusion | getting blood from a donor | transfusion
intubation | placing a breathing tube |
mechanical ventilation | a machine that breathes for you | ventilator
tracheostomy | a breathing hole made in the neck |
central line | a thin tube placed in a large vein | central venous catheter; PICC line; PICC
urinary catheter | a tube that drains urine from the bladder | Foley catheter; Foley
feeding tube | a tube that gives food into the stomach | G-tube; PEG tube; NG tube; nasogastric tube
incision and drainage | cutting open and draining a pocket of pus | I&D
suturing | closing a cut with stitches | sutures; stitches
wound care | taking care of a cut or sore | dressing change
debridement | removing dead tissue from a wound |
steroid injection | a shot of steroid medicine into a joint or tissue | cortisone shot; corticosteroid injection; joint injection
epidural steroid injection | a steroid shot into the back near the nerves | ESI
nerve block | a shot that numbs a nerve |
lumbar puncture | taking fluid from the lower back with a needle | spinal tap; LP
paracentesis | draining fluid from the belly with a needle |
thoracentesis | draining fluid from around the lungs with a needle |
physical therapy | exercises with a therapist to build strength and movement | PT; physiotherapy
occupational therapy | therapy that helps with daily tasks like dressing and cooking | OT
speech therapy | therapy for speech or swallowing | speech-language therapy
cardiac rehabilitation | an exercise and learning program after heart problems | cardiac rehab
pulmonary rehabilitation | an exercise and breathing program for lung disease | pulmonary rehab
cognitive behavioral therapy | talk therapy that changes unhelpful thoughts and habits | CBT
psychotherapy | talk therapy | talk therapy
chemotherapy | strong medicine that kills cancer cells | chemo
radiation therapy | treatment that uses strong X-rays to kill cancer cells | radiation; radiotherapy; XRT
immunotherapy | treatment that helps your immune system fight disease |
cataract surgery | surgery to replace a cloudy lens in the eye | phacoemulsification
LASIK | laser eye surgery to fix eyesight |
circumcision | surgery to remove the foreskin |
vasectomy | surgery for permanent male birth control |
cesarean section | delivery of a baby through a cut in the belly | C-section
tubal ligation | surgery for permanent female birth control | tubes tied
dilation and curettage | a procedure to remove tissue from inside the womb | D&C
skin biopsy | taking a small piece of skin to test |
excision | cutting something out | excisional biopsy
cryotherapy | freezing a skin growth | freezing
mohs surgery | surgery that removes skin cancer layer by layer |
kidney stone removal | a procedure to remove or break up a kidney stone | lithotripsy; ureteroscopy
bariatric surgery | weight loss surgery | gastric bypass; sleeve gastrectomy
amputation | surgery to remove a limb or part of one |
tendon repair | surgery to fix a torn tendon |
fracture fixation | fixing a broken bone |
ear tubes | small tubes placed in the eardrum to drain fluid | tympanostomy tubes
septoplasty | surgery to straighten the wall inside the nose |
sinus surgery | surgery to open the sinuses | FESS
"""

ABBREVIATIONS = """
PO | by mouth | p.o.
BID | twice a day | b.i.d.
TID | three times a day | t.i.d.
QID | four times a day | q.i.d.
QD | once a day | q.d.
QHS | at bedtime | q.h.s.
QAM | every morning |
PRN | as needed | p.r.n.
SL | under the tongue |
IM | into a muscle |
IV | into a vein | intravenous
SC | under the skin | subq; SQ; subcutaneous
NPO | nothing to eat or drink | nil by mouth
STAT | right away |
Rx | prescription |
OTC | over the counter (no prescription needed) | over-the-counter
NKDA | no known drug allergies | NKA
BP | blood pressure |
HR | heart rate |
RR | breathing rate | respiratory rate
BMI | body mass index, a measure of weight for height | body mass index
Hx | history | history
PMH | past medical history | past medical history
PSH | past surgical history | past surgical history
FHx | family history | FH
SHx | social history |
ROS | review of symptoms |
HPI | history of the current illness |
CC | main reason for the visit | chief complaint
Dx | diagnosis |
DDx | list of possible causes | differential diagnosis
Tx | treatment |
Sx | symptoms |
f/u | follow-up | follow up; FU
r/o | rule out (check that it is not) | rule out
w/ | with |
w/o | without |
c/o | complains of |
h/o | history of |
y/o | years old | yo; year-old
PCP | your main doctor | primary care physician; primary care provider
ED | emergency room | ER; emergency department
ICU | intensive care unit |
OR | operating room |
PACU | recovery room after surgery |
SNF | a nursing home for short-term care | skilled nursing facility
LOS | length of stay |
DNR | do not resuscitate |
ADLs | daily activities like bathing and dressing | activities of daily living
ROM | range of motion (how far a joint moves) | range of motion
WNL | within normal limits (normal) | within normal limits
NAD | no acute distress (not in distress) |
A&O | awake and alert | alert and oriented; AAOx3; A&Ox3
CTA | clear lungs | clear to auscultation
RRR | a regular heartbeat | regular rate and rhythm
HEENT | head, eyes, ears, nose and throat |
PERRLA | normal pupils |
JVP | neck vein pressure | jugular venous pressure
LE | leg | lower extremity
UE | arm | upper extremity
L | left |
R | right |
OU | both eyes |
OD | right eye |
OS | left eye |
gtt | drops |
mg | milligrams |
mcg | micrograms |
mL | milliliters | ml; cc
kg | kilograms |
lb | pounds | lbs
mmHg | millimeters of mercury (the unit for blood pressure) |
bpm | beats per minute |
T2 | type 2 |
MVA | car crash |
EtOH | alcohol | ETOH; alcohol use
tob | tobacco |
pt | patient |
pts | patients |
q | every |
hrs | hours |
wks | weeks |
mos | months |
yrs | years |
Abx | antibiotics | antibiotics
Rxn | reaction |
PT/OT | physical and occupational therapy |
DME | medical equipment for home | durable medical equipment
HEP | home exercise program | home exercise program
AVS | after-visit summary |
CPAP | a breathing machine you wear while you sleep | continuous positive airway pressure
BiPAP | a breathing machine that helps you breathe |
O2 | oxygen |
RA | room air |
N/V | nausea and vomiting | nausea/vomiting
N/V/D | nausea, vomiting and diarrhea |
BM | bowel movement | bowel movement
GI | stomach and gut | gastrointestinal
GU | urinary and genital | genitourinary
CV | heart and blood vessels | cardiovascular
MSK | muscles and bones | musculoskeletal
neuro | nerves and brain | neurologic; neurological
psych | mental health | psychiatric
derm | skin | dermatology
ortho | bone and joint care | orthopedics; orthopaedics
cardio | heart care | cardiology
GYN | women's health | gynecology
OB | pregnancy care | obstetrics
ENT | ear, nose and throat |
peds | children's care | pediatrics
LMP | first day of last period | last menstrual period
EBL | blood lost during surgery | estimated blood loss
POD | days after surgery | postoperative day
ASAP | as soon as possible |
HTN | high blood pressure |
HLD | high cholesterol | hyperlipidemia
DM2 | type 2 diabetes | T2DM; DMII
CKD | long-term kidney disease |
MI | heart attack |
CHF | heart failure |
COPD | long-term lung disease |
GERD | acid reflux |
OA | wear and tear arthritis |
UTI | bladder or urine infection |
URI | a cold |
"""
